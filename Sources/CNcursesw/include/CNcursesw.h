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

#endif
