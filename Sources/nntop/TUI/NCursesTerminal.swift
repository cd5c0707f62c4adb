import CNCurses
import NNTopUI
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Signal number received (SIGINT, SIGTERM, SIGHUP) and not yet handled; lock-free, so the handler may
/// touch it.
private let pendingSignal = Atomic<Int32>(0)

/// Set by SIGWINCH (before ncurses' own handler runs). A window shrunk and grown back before the loop reads
/// the size looks unchanged to ncurses, which then reports no resize, yet the terminal dropped what was on
/// screen: every SIGWINCH therefore makes the next frame a full repaint.
private let windowChanged = Atomic<Bool>(false)
/// ncurses' SIGWINCH handler, called from ours.
nonisolated(unsafe) private var ncursesWindowHandler: (@convention(c) (Int32) -> Void)?

/// The terminal's modes before ncurses changed them, for the crash handler: it restores them with
/// async-signal-safe calls only (`tcsetattr`, `write`), then lets the signal kill the process as usual.
nonisolated(unsafe) private var savedModes = termios()
nonisolated(unsafe) private var hasSavedModes = false

/// The ncursesw `Terminal`: maps keys, mouse and resize to `Event`s, semantic styles to colors (256,
/// 8/16 or monochrome), and draws only the cells that changed since the previous frame.
///
/// Use `NCursesTerminal.session(_:)`, which always restores the terminal: on return, on a thrown error
/// (defer) and on SIGINT/SIGTERM/SIGHUP (the first signal asks the loop to quit; a second one restores the
/// terminal and exits at once in case the loop is stuck).
final class NCursesTerminal: Terminal {
    /// What the user asked for on the command line.
    struct Options {
        var color: ColorMode = .color
        var mouse = true
    }

    /// The color mode actually used: the request, lowered by `NO_COLOR` and the terminal's capabilities.
    let colorMode: ColorMode
    private var previous: ScreenBuffer?
    private var pairsMode: ColorMode?
    private var pairIndex: [CellAttributes: Int16] = [:]
    private var isOpen = true

    /// Opens the terminal, runs `body`, and restores the terminal however `body` ends.
    static func session<T>(_ options: Options, _ body: (NCursesTerminal) throws -> T) rethrows -> T {
        let terminal = NCursesTerminal(options)
        defer { terminal.close() }
        return try body(terminal)
    }

    private init(_ options: Options) {
        setlocale(LC_ALL, "")
        hasSavedModes = tcgetattr(STDIN_FILENO, &savedModes) == 0
        initscr()
        cbreak()
        noecho()
        nonl()
        keypad(nntop_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if options.mouse {
            mousemask(nntop_mouse_events(), nil)
            mouseinterval(0)
        }
        colorMode = Self.startColors(requested: options.color)
        Self.installSignalHandlers()
    }

    deinit { close() }

    /// The signal that ended the session, if one did: the caller exits with `128 + signal`.
    static var receivedSignal: Int32? {
        let signal = pendingSignal.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }

    /// `endwin`, once.
    func close() {
        guard isOpen else { return }
        isOpen = false
        endwin()
    }

    var size: TerminalSize { TerminalSize(width: Int(nntop_cols()), height: Int(nntop_lines())) }

    func nextEvent(timeout: Duration) -> Event? {
        if pendingSignal.load(ordering: .relaxed) != 0 { return .key(.ctrlC) }
        if windowChanged.exchange(false, ordering: .relaxed) { previous = nil }
        let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        wtimeout(nntop_stdscr(), Int32(clamping: ms))
        var wch: wint_t = 0
        switch wget_wch(nntop_stdscr(), &wch) {
        case OK where wch == 12:
            // Ctrl-L: repaint every cell, as in top, less and vim (a terminal that lost its contents).
            previous = nil
            return .tick
        case OK: return Self.character(wch).map { .key($0) }
        case KEY_CODE_YES: return keyCode(Int32(bitPattern: wch))
        default:
            // A terminal that went away (its window closed without a SIGHUP reaching us) makes every read fail
            // at once: quit as for SIGHUP instead of spinning.
            var modes = termios()
            if pendingSignal.load(ordering: .relaxed) == 0, tcgetattr(STDIN_FILENO, &modes) != 0 {
                pendingSignal.store(SIGHUP, ordering: .relaxed)
            }
            return pendingSignal.load(ordering: .relaxed) != 0 ? .key(.ctrlC) : nil
        }
    }

    func present(_ buffer: ScreenBuffer) {
        if pairsMode != buffer.colorMode { preparePairs(buffer.colorMode) }
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full {
            erase()
            _ = nntop_repaint_all()
        }
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                guard let character = cell.character else { continue }
                draw(character, style: cell.style, mode: buffer.colorMode, x: x, y: y)
            }
        }
        refresh()
        previous = buffer
    }

    // MARK: - Input

    private static func character(_ wch: wint_t) -> Key? {
        switch wch {
        case 3: return .ctrlC
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard wch >= 32, let scalar = Unicode.Scalar(UInt32(wch)) else { return nil }
            return .char(Character(scalar))
        }
    }

    private func keyCode(_ code: Int32) -> Event? {
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE, KEY_DC: return .key(.backspace)
        case KEY_BTAB: return .key(.backTab)
        case KEY_RESIZE:
            previous = nil
            return .resize(width: Int(nntop_cols()), height: Int(nntop_lines()))
        case KEY_MOUSE:
            var x: Int32 = 0
            var y: Int32 = 0
            let action: MouseEvent.Action
            switch nntop_read_mouse(&x, &y) {
            case 1: action = .click
            case 2: action = .wheelUp
            case 3: action = .wheelDown
            default: return nil
            }
            return .mouse(MouseEvent(x: Int(x), y: Int(y), action: action))
        default:
            for n in 1...12 where code == nntop_key_f(Int32(n)) { return .key(.function(n)) }
            return nil
        }
    }

    // MARK: - Output

    private func draw(_ character: Character, style: Style, mode: ColorMode, x: Int, y: Int) {
        let attributes = Palette.attributes(for: style, mode: mode)
        let pair = pairIndex[CellAttributes(foreground: attributes.foreground, background: attributes.background)] ?? 0
        var wide = character.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        _ = nntop_put_cell(Int32(y), Int32(x), wide, nntop_attributes(attributes.bold ? 1 : 0,
                                                                     attributes.reverse ? 1 : 0), pair)
    }

    /// One color pair per distinct foreground/background combination the palette uses in `mode`.
    private func preparePairs(_ mode: ColorMode) {
        pairsMode = mode
        pairIndex = [:]
        previous = nil
        guard mode != .mono else { return }
        for style in Style.allCases {
            let a = Palette.attributes(for: style, mode: mode)
            let key = CellAttributes(foreground: a.foreground, background: a.background)
            guard key != CellAttributes(), pairIndex[key] == nil else { continue }
            let index = Int16(pairIndex.count + 1)
            init_pair(index, a.foreground ?? -1, a.background ?? -1)
            pairIndex[key] = index
        }
    }

    private static func startColors(requested: ColorMode) -> ColorMode {
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        guard requested != .mono, !noColor, has_colors() else { return .mono }
        start_color()
        use_default_colors()
        if requested == .color, nntop_colors() >= 256 { return .color }
        return nntop_colors() >= 8 ? .basic16 : .mono
    }

    private static func installSignalHandlers() {
        // A parent may have started us with these signals blocked (job-control wrappers, some CI runners);
        // then SIGTERM would stay pending forever and the UI would never quit. Unblock them for this thread.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL] { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        // Quit requests: the loop sees the signal and leaves through the normal restore path.
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { received in
                if pendingSignal.exchange(received, ordering: .relaxed) != 0 {
                    endwin()
                    _exit(128 + received)
                }
            }
        }
        // Window changes: note them, then let ncurses handle them as it would have (it installed its handler
        // in initscr; SIG_DFL and SIG_IGN are not functions to call).
        var ncursesAction = sigaction()
        sigaction(SIGWINCH, nil, &ncursesAction)
        if let handler = ncursesAction.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) > 1 {
            ncursesWindowHandler = handler
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { received in
            windowChanged.store(true, ordering: .relaxed)
            ncursesWindowHandler?(received)
        }
        action.sa_flags = ncursesAction.sa_flags
        sigemptyset(&action.sa_mask)
        sigaction(SIGWINCH, &action, nil)
        // Crashes: restore the terminal first (the runtime's backtrace would print over the screen), then die
        // of the same signal.
        for sig in [SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL] {
            signal(sig) { received in
                restoreTerminalAfterCrash()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}

/// Leaves the alternate screen, shows the cursor, stops mouse reporting and puts the saved terminal modes
/// back: what `endwin` does, with calls that are safe inside a signal handler.
private func restoreTerminalAfterCrash() {
    let reset = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?25h\u{1B}[0m\u{1B}[?1049l\r\n"
    reset.utf8CString.withUnsafeBufferPointer { buffer in _ = write(STDOUT_FILENO, buffer.baseAddress, buffer.count - 1) }
    if hasSavedModes { tcsetattr(STDIN_FILENO, TCSANOW, &savedModes) }
}
