/* wcwidth, wcswidth, SA_ONSTACK and TIOCGWINSZ are outside plain C. */
#define _GNU_SOURCE 1
#include "CNcursesw.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

WINDOW *hum_stdscr(void) { return stdscr; }
int hum_lines(void) { return LINES; }
int hum_cols(void) { return COLS; }
int hum_colors(void) { return COLORS; }
int hum_color_pairs(void) { return COLOR_PAIRS; }

int hum_draw(int row, int column, const wchar_t *text, int count, int attributes, int pair) {
    attr_t attrs = A_NORMAL;
    if (attributes & HUM_ATTR_BOLD) attrs |= A_BOLD;
    if (attributes & HUM_ATTR_DIM) attrs |= A_DIM;
    if (attributes & HUM_ATTR_ITALIC) attrs |= A_ITALIC;
    if (attributes & HUM_ATTR_UNDERLINE) attrs |= A_UNDERLINE;
    if (attributes & HUM_ATTR_REVERSE) attrs |= A_REVERSE;
    wattr_set(stdscr, attrs, (short)pair, NULL);
    int status = mvwaddnwstr(stdscr, row, column, text, count);
    wattr_set(stdscr, A_NORMAL, 0, NULL);
    return status;
}

int hum_init_pair(int pair, int foreground, int background) {
    return init_extended_pair(pair, foreground, background);
}

int hum_enable_mouse(int enable) {
    mmask_t wanted = enable ? (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0;
    mmask_t old = 0;
    mmask_t got = mousemask(wanted, &old);
    mouseinterval(0);
    return got != 0;
}

int hum_read_mouse(int *row, int *column) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *row = event.y;
    *column = event.x;
    if (event.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
    if (event.bstate & BUTTON5_PRESSED) return 3;
    return 0;
}

int hum_key_f(int n) { return KEY_F(n); }

int hum_newterm(const char *term) {
    SCREEN *screen = newterm(term, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    /* No typeahead check: ncurses would otherwise poll standard input and flush what it has written
     * every few lines of an update (a full Library frame went out in 68 writes and 20 polls, each write
     * waking the terminal, or tmux, to parse a fragment); now a frame goes out in one write. hum draws
     * only the cells that changed, so there is no long refresh worth abandoning for a key. */
    typeahead(-1);
    /* ncurses 6.4 flushes its output at every cursor movement until the screen has once been through
     * endwin (_nc_mvcur flushes while SP->_endwin is still ewInitial): a Library frame went out in 68
     * writes of ~40 bytes. Leaving and resuming at once, before anything is drawn, moves it to ewRunning,
     * and each frame is then one write at the end of doupdate. */
    endwin();
    doupdate();
    return 0;
}

static attr_t hum_attributes(int attributes) {
    attr_t attrs = A_NORMAL;
    if (attributes & HUM_ATTR_BOLD) attrs |= A_BOLD;
    if (attributes & HUM_ATTR_DIM) attrs |= A_DIM;
    if (attributes & HUM_ATTR_ITALIC) attrs |= A_ITALIC;
    if (attributes & HUM_ATTR_UNDERLINE) attrs |= A_UNDERLINE;
    if (attributes & HUM_ATTR_REVERSE) attrs |= A_REVERSE;
    return attrs;
}

static int hum_put(int row, int column, wchar_t character, attr_t attrs, int pair, const wchar_t *more, int count) {
    wchar_t first[2] = { character, 0 };
    cchar_t cell;
    /* setcchar stops at the first spacing scalar; a ZWJ sequence's later emoji are added by hand, as ncurses
     * writes out every scalar of a cell and sizes it by the first. The pair goes through opts: above 32767. */
    if (setcchar(&cell, first, attrs, 0, &pair) == ERR) return ERR;
    for (int i = 0; i < count && i + 1 < CCHARW_MAX; i++) cell.chars[i + 1] = more[i];
    if (wmove(stdscr, row, column) == ERR) return ERR;
    return wadd_wch(stdscr, &cell); /* ERR in the bottom-right corner once the cell is stored: harmless */
}

int hum_draw_cell(int row, int column, const wchar_t *text, int count, int width, int attributes, int pair) {
    attr_t attrs = hum_attributes(attributes);
    int first = count > 0 ? wcwidth(text[0]) : -1;
    if (first == width) return hum_put(row, column, text[0], attrs, pair, text + 1, count - 1);
    if (first > 0 && wcswidth(text, (size_t)count) == width) {
        /* A flag: two regional indicators of one column each, drawn as two ncurses cells. */
        wattr_set(stdscr, attrs, 0, &pair);
        int status = mvwaddnwstr(stdscr, row, column, text, count);
        wattr_set(stdscr, A_NORMAL, 0, NULL);
        return status;
    }
    /* ❤️ or a keycap: one column to ncurses, two to the grid. Show the base alone, padded, so that every
     * terminal agrees on where the next cell is; else a '?'. */
    wchar_t shown = L'?';
    for (int i = 0; i < count; i++) {
        int w = wcwidth(text[i]);
        if (w > 0 && w <= width) { shown = text[i]; break; }
    }
    int status = hum_put(row, column, shown, attrs, pair, NULL, 0);
    for (int c = column + (shown == L'?' ? 1 : wcwidth(shown)); c < column + width; c++)
        status = hum_put(row, c, L' ', attrs, pair, NULL, 0);
    return status;
}

int hum_window_size(int *rows, int *columns) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &size) != 0) return -1;
    if (size.ws_row == 0 || size.ws_col == 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

static int hum_winch_pipe[2] = { -1, -1 };

static void hum_winch_handler(int signal) {
    (void)signal;
    int saved = errno;
    char byte = 1;
    ssize_t written = write(hum_winch_pipe[1], &byte, 1); /* full pipe: a resize is pending anyway */
    (void)written;
    errno = saved;
}

int hum_watch_resize(void) {
    if (hum_winch_pipe[0] < 0) {
        int fds[2];
        if (pipe(fds) != 0) return -1;
        for (int i = 0; i < 2; i++) {
            fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
            fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        }
        hum_winch_pipe[0] = fds[0];
        hum_winch_pipe[1] = fds[1];
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = hum_winch_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; /* other threads' blocking calls carry on; poll(2) still sees the pipe */
    if (sigaction(SIGWINCH, &action, NULL) != 0) return -1;
    return hum_winch_pipe[0];
}

int hum_drain(int fd) {
    char buffer[256];
    int total = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0) { total += (int)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        return total;
    }
}

static struct termios hum_saved_termios;
static volatile sig_atomic_t hum_have_termios = 0;
static volatile sig_atomic_t hum_active = 0;
/* Leave the alternate screen, show the cursor, plain attributes, no mouse reports, normal cursor keys. */
static const char hum_reset[] = "\033[?1049l\033[?25h\033[0m\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[?1l\033>";

int hum_save_terminal(void) {
    if (tcgetattr(STDIN_FILENO, &hum_saved_termios) != 0) return -1;
    hum_have_termios = 1;
    return 0;
}

void hum_set_active(int active) { hum_active = active; }

void hum_restore_after_signal(void) {
    if (!hum_active) return;
    hum_active = 0;
    ssize_t written = write(STDOUT_FILENO, hum_reset, sizeof hum_reset - 1);
    (void)written;
    if (hum_have_termios) tcsetattr(STDIN_FILENO, TCSANOW, &hum_saved_termios);
}

static const int hum_crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
static struct sigaction hum_previous[NSIG];

static void hum_crash_handler(int signal, siginfo_t *info, void *context) {
    int saved = errno;
    hum_restore_after_signal();
    errno = saved;
    struct sigaction *previous = &hum_previous[signal];
    if (previous->sa_handler == SIG_DFL || previous->sa_handler == SIG_IGN) {
        /* SA_RESETHAND put the default action back; it happens once this handler returns. */
        raise(signal);
    } else if (previous->sa_flags & SA_SIGINFO) {
        previous->sa_sigaction(signal, info, context);
    } else {
        previous->sa_handler(signal);
    }
}

void hum_install_crash_restore(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = hum_crash_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    for (size_t i = 0; i < sizeof hum_crash_signals / sizeof hum_crash_signals[0]; i++)
        sigaction(hum_crash_signals[i], &action, &hum_previous[hum_crash_signals[i]]);
}

/* SIGINT, SIGTERM, SIGHUP: the first asks the interface to quit cleanly (a byte on its wake pipe, read by
 * the UI thread's poll), a second one while that hangs restores the terminal and exits at once. The handler
 * is the process's from the moment sigaction returns and runs on whichever thread the signal lands on; a
 * libdispatch signal source, used before, is registered later by its manager thread, so a signal sent in
 * between met SIG_IGN and was lost. */
static int hum_quit_count = 0;
static volatile sig_atomic_t hum_quit_last = 0;
static int hum_quit_wake = -1;

static void hum_quit_handler(int signal) {
    int saved = errno;
    hum_quit_last = signal;
    if (__atomic_add_fetch(&hum_quit_count, 1, __ATOMIC_SEQ_CST) > 1) {
        hum_restore_after_signal();
        _exit(128 + signal);
    }
    char byte = 1;
    ssize_t written = write(hum_quit_wake, &byte, 1);
    (void)written;
    errno = saved;
}

int hum_watch_quit_signals(int wake_fd) {
    hum_quit_wake = wake_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = hum_quit_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    const int signals[] = { SIGINT, SIGTERM, SIGHUP };
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    return 0;
}

int hum_quit_signals_seen(void) { return __atomic_load_n(&hum_quit_count, __ATOMIC_SEQ_CST); }

int hum_last_quit_signal(void) { return hum_quit_last; }
