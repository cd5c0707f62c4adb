#ifndef NNTOP_CNCURSES_SHIM_H
#define NNTOP_CNCURSES_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE flags, so the wide-character API is enabled here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>
#endif
