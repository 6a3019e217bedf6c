#ifndef HUM_CNCURSESW_H
#define HUM_CNCURSESW_H

/* ncursesw with its wide-character API. NCURSES_WIDECHAR must come before curses.h, or get_wch,
 * add_wch and cchar_t are missing. Macros Swift cannot import, and globals Swift 6 rejects as not
 * concurrency-safe (stdscr, LINES, COLS), get small functions here. */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

WINDOW *hum_stdscr(void);
int hum_lines(void);
int hum_cols(void);
int hum_colors(void);
int hum_color_pairs(void);

/* Attribute bits for hum_draw. */
enum {
    HUM_ATTR_BOLD = 1, HUM_ATTR_DIM = 2, HUM_ATTR_ITALIC = 4, HUM_ATTR_UNDERLINE = 8, HUM_ATTR_REVERSE = 16
};

/* Draws `count` wide characters at (row, column) with the attributes (HUM_ATTR_*) and color pair. */
int hum_draw(int row, int column, const wchar_t *text, int count, int attributes, int pair);

/* Defines color pair `pair` (foreground, background: -1 for the terminal's default). */
int hum_init_pair(int pair, int foreground, int background);

/* Mouse: clicks of button 1 and the wheel. Returns 0 when the terminal reports none. */
int hum_enable_mouse(int enable);
/* After get_wch returned KEY_MOUSE: 1 click, 2 wheel up, 3 wheel down, 0 other; the cell in *row, *column. */
int hum_read_mouse(int *row, int *column);

int hum_key_f(int n);

/* newterm on stdout/stdin (NULL `term`: $TERM), so that an unknown terminal is an error to report rather
 * than initscr's exit(). Returns 0 on success. */
int hum_newterm(const char *term);

/* Draws one grid cell: a grapheme cluster of `count` scalars, `width` (1 or 2) columns wide, as one ncurses
 * cell, so that combining marks and joined emoji share it. When ncurses would count the cluster at another
 * width than the grid (its wcwidth is per scalar), draws something of exactly `width` columns instead. */
int hum_draw_cell(int row, int column, const wchar_t *text, int count, int width, int attributes, int pair);

/* The terminal's size from TIOCGWINSZ; 0 on success. */
int hum_window_size(int *rows, int *columns);

/* Installs a SIGWINCH handler that writes a byte to a pipe (made once); returns the pipe's read end or -1.
 * It replaces ncurses' own handler: call it after hum_newterm. */
int hum_watch_resize(void);

/* Reads everything waiting in a non-blocking descriptor; returns the number of bytes read. */
int hum_drain(int fd);

/* Crash and signal restore. hum_save_terminal keeps standard input's termios (call it before hum_newterm);
 * hum_set_active says whether the screen is in curses mode, so that the handlers only write the reset
 * sequence when there is something to undo. */
int hum_save_terminal(void);
void hum_set_active(int active);
/* Async-signal-safe: leaves the alternate screen, shows the cursor, resets attributes and mouse reporting,
 * restores the saved termios. Does nothing unless active; leaves it inactive. */
void hum_restore_after_signal(void);
/* Handlers for SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE: restore, then chain to the handler
 * installed before (the Swift runtime's backtracer), or re-raise with the default action. Idempotent. */
void hum_install_crash_restore(void);

/* SIGINT, SIGTERM and SIGHUP write a byte to `wake_fd` (the first) or restore the terminal and exit (a second). */
int hum_watch_quit_signals(int wake_fd);
int hum_quit_signals_seen(void);
int hum_last_quit_signal(void);

#endif
