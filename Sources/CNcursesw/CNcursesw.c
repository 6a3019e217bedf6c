#include "CNcursesw.h"

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
