#ifndef NNTOP_CNCURSES_SHIM_H
#define NNTOP_CNCURSES_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE flags, so the wide-character API is enabled here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Swift imports neither function-like macros nor the mutable globals below (not concurrency-safe),
// so each is wrapped in a static inline function.

static inline WINDOW *nntop_stdscr(void) { return stdscr; }
static inline int nntop_lines(void) { return LINES; }
static inline int nntop_cols(void) { return COLS; }
static inline int nntop_colors(void) { return COLORS; }
static inline int nntop_key_f(int n) { return KEY_F(n); }
/// The next refresh repaints every cell: after a resize the terminal may have dropped what ncurses
/// believes is still on screen (a pane shrunk to 1×1 and grown back comes back blank).
static inline int nntop_repaint_all(void) { return clearok(curscr, TRUE); }

static inline attr_t nntop_attributes(int bold, int reverse) {
    return (bold ? A_BOLD : A_NORMAL) | (reverse ? A_REVERSE : A_NORMAL);
}

/// Draws one cell: `wch` is a NUL-terminated spacing character plus any combining marks.
static inline int nntop_put_cell(int y, int x, const wchar_t *wch, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, wch, attributes, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

/// The mouse events nntop asks for: left press and the wheel.
static inline mmask_t nntop_mouse_events(void) {
    return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}

/// Reads the pending mouse event: 1 left click, 2 wheel up, 3 wheel down, 0 anything else or none.
static inline int nntop_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
    if (event.bstate & BUTTON5_PRESSED) return 3;
    return 0;
}
#endif
