import Foundation
import GoldenSupport
import Testing

/// Drives the real `nntop` binary in tmux like a user: open a sample model, toggle requires_grad, watch
/// the counts change and latencies appear, quit, and check the terminal was restored.
struct Tmux {
    let session = "nntop-e2e-\(getpid())-\(Int.random(in: 0..<1_000_000))"

    /// Runs a tmux command. Only `capture-pane` output is read through a pipe: a command that starts the
    /// tmux server would hand it the pipe's write end, and reading to EOF would then never return.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        var result = try Subprocess.run("tmux", arguments, captureOutput: arguments.first == "capture-pane" || arguments.first == "list-panes",
                                        timeout: 30)
        // When the previous test's session was the server's last, the server may still be shutting down as the
        // next session starts; a new session then fails once and succeeds on a fresh server.
        for _ in 0..<3 where result.status != 0 && arguments.first == "new-session" {
            Thread.sleep(forTimeInterval: 0.5)
            result = try Subprocess.run("tmux", arguments, captureOutput: false, timeout: 30)
        }
        guard result.status == 0 else {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")) exited \(result.status)")
        }
        return result.stdout
    }

    func screen() throws -> String { try run(["capture-pane", "-t", session, "-p"]) }

    /// Polls the screen until `predicate` holds (at most `timeout` seconds).
    func waitFor(_ timeout: Double = 20, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return last
    }
}

struct TmuxError: Error, CustomStringConvertible { let description: String }

@Suite(.serialized) struct TmuxSessionTests {
    /// The command prints `EXIT=` and then the `icanon`/`echo` flags; wait for the last of them.
    static func sttyPrinted(_ screen: String) -> Bool {
        screen.contains("EXIT=") && screen.split(separator: "\n").contains { $0.hasSuffix("echo") }
    }

    static var binary: String {
        Goldens.repositoryRoot.appendingPathComponent(".build/debug/nntop").path
    }

    @Test func openToggleRequiresGradSeeLatenciesAndQuit() throws {
        let tmux = Tmux()
        let command = "\(Self.binary) lenet5; echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -e '-*icanon' -e '-*echo'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "130", "-y", "36", command])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }

        let latency = #"\d+(\.\d+)?(ms|µs) "#
        let opened = try tmux.waitFor(60) {
            $0.contains("trainable 44.4K") && $0.range(of: latency, options: .regularExpression) != nil
        }
        #expect(opened.contains("Conv2d"))
        #expect(opened.contains("frozen 0"))
        #expect(opened.range(of: latency, options: .regularExpression) != nil, "latencies appear")

        try tmux.run(["send-keys", "-t", tmux.session, "j", "Space"])
        let toggled = try tmux.waitFor { $0.contains("frozen 156") }
        #expect(toggled.contains("trainable 44.3K"), "freezing conv 0 (156 params) updates the header at once")

        try tmux.run(["send-keys", "-t", tmux.session, "u"])
        let undone = try tmux.waitFor { $0.contains("frozen 0") }
        #expect(undone.contains("trainable 44.4K"))

        try tmux.run(["send-keys", "-t", tmux.session, "q"])
        let after = try tmux.waitFor { Self.sttyPrinted($0) }
        #expect(after.contains("EXIT=0"))
        let lines = after.split(separator: "\n").map(String.init)
        #expect(lines.contains("icanon") && lines.contains("echo"), "terminal restored to canonical mode with echo")
    }

    /// A `torch.export` archive opens as its module tree, runs in Swift with live latencies per module, and
    /// Space freezes a subtree (`heads`, a ModuleDict never called itself).
    @Test func anExportedProgramRunsLiveAndFreezes() throws {
        let tmux = Tmux()
        let archive = try Goldens.url("export/custom_cnn/model.pt2").path
        let command = "\(Self.binary) \(archive); echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -e '-*icanon' -e '-*echo'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "150", "-y", "40", command])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        let latency = #"\d+(\.\d+)?(ms|µs) "#
        try tmux.run(["send-keys", "-t", tmux.session, "*"])
        let running = try tmux.waitFor(60) { screen in
            screen.split(separator: "\n").contains { $0.contains("conv ") && $0.contains("Conv2d") && $0.range(of: latency, options: .regularExpression) != nil }
        }
        let convLine = running.split(separator: "\n").first { $0.contains("conv ") && $0.contains("Conv2d") }.map(String.init) ?? ""
        #expect(convLine.range(of: latency, options: .regularExpression) != nil, "blocks.0.conv has a live latency: \(running)")
        #expect(running.contains("frozen 0"))

        // Select `heads` by searching for it, then freeze its subtree.
        try tmux.run(["send-keys", "-t", tmux.session, "/", "heads", "Enter", "Space"])
        let frozen = try tmux.waitFor { $0.contains("frozen 221") }
        #expect(frozen.contains("frozen 221") && frozen.contains("trainable 5.15K"), "heads.cls + heads.aux frozen: \(frozen)")

        try tmux.run(["send-keys", "-t", tmux.session, "q"])
        let after = try tmux.waitFor { Self.sttyPrinted($0) }
        #expect(after.contains("EXIT=0"))
    }

    /// `T`: the runner does real training steps; the header shows the loss and the backward time, the tree
    /// a backward column, and a frozen prefix of convolutions loses its backward time and gradients at once.
    @Test func trainStepModeShowsBackwardAndFreezingRemovesIt() throws {
        let tmux = Tmux()
        let command = "\(Self.binary) lenet5; echo \"EXIT=$?\"; sleep 30"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "130", "-y", "36", command])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        _ = try tmux.waitFor(60) { $0.contains("runs/s") }
        try tmux.run(["send-keys", "-t", tmux.session, "T"])
        let training = try tmux.waitFor(60) { $0.contains("train step") && $0.contains("loss ") && $0.contains("grad norm") }
        #expect(training.contains("steps/s"))
        let conv3Trained = #"── 3\s+Conv2d\s+2\.42K yes\s+\S+\s+\S+\s+\S+"#
        #expect(training.range(of: conv3Trained, options: .regularExpression) != nil, "p50, bwd and grad norm for conv 3:\n\(training)")

        // Freezing conv 3 alone would not do: conv 0's gradient still flows back through it.
        try tmux.run(["send-keys", "-t", tmux.session, "j", "Space", "j", "j", "j", "Space"])
        let conv3Frozen = #"── 3\s+Conv2d\s+2\.42K no\s+\S+\s*│"#
        let frozen = try tmux.waitFor { $0.range(of: conv3Frozen, options: .regularExpression) != nil }
        #expect(frozen.range(of: conv3Frozen, options: .regularExpression) != nil, "conv 3 frozen: only its forward p50 is left:\n\(frozen)")
        #expect(frozen.contains("frozen 2.57K"))
        #expect(frozen.range(of: #"── 0\s+Conv2d\s+156 no\s+\S+\s*│"#, options: .regularExpression) != nil)

        try tmux.run(["send-keys", "-t", tmux.session, "q"])
        #expect(try tmux.waitFor { $0.contains("EXIT=") }.contains("EXIT=0"))
    }

    /// SIGTERM, closing the terminal (SIGHUP), SIGQUIT and crash signals: the terminal is restored every time;
    /// a quit request exits with 128 + the signal, a crash dies of its signal (the shell reports 128 + it).
    @Test(arguments: [SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT])
    func everySignalRestoresTheTerminal(signal: Int32) throws {
        let tmux = Tmux()
        let command = "\(Self.binary) seed_mlp; echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -e '-*icanon' -e '-*echo'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "100", "-y", "30", command])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        _ = try tmux.waitFor { $0.contains("trainable") }
        let pane = try tmux.run(["list-panes", "-t", tmux.session, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let shell = try #require(Int32(pane))
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let nntop = try #require(children.split(separator: " ").compactMap { Int32($0) }.first)
        kill(nntop, signal)
        let after = try tmux.waitFor(30) { Self.sttyPrinted($0) }
        #expect(after.contains("EXIT=\(128 + signal)"), "signal \(signal): \(after)")
        let lines = after.split(separator: "\n").map(String.init)
        #expect(lines.contains("icanon") && lines.contains("echo"), "terminal restored after signal \(signal)")
    }

    /// The shell command that runs nntop on `model`, then prints its exit status and the terminal's modes.
    static func viewThenStty(_ model: String) -> String {
        "\(binary) \(model); echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -e '-*icanon' -e '-*echo'; sleep 30"
    }

    static func expectSane(_ screen: String, exit: String, _ what: String) {
        #expect(screen.contains("EXIT=\(exit)"), "\(what): \(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(lines.contains("icanon") && lines.contains("echo"), "terminal restored after \(what)")
    }

    /// Ctrl-C sends SIGINT (the terminal keeps ISIG, so it works even if the view were stuck): the view
    /// restores the terminal and ends with the conventional status 130.
    @Test func ctrlCQuitsAndRestoresTheTerminal() throws {
        let tmux = Tmux()
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "100", "-y", "30", Self.viewThenStty("seed_mlp")])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        _ = try tmux.waitFor { $0.contains("trainable") }
        try tmux.run(["send-keys", "-t", tmux.session, "C-c"])
        Self.expectSane(try tmux.waitFor(30) { Self.sttyPrinted($0) }, exit: "130", "Ctrl-C")
    }

    /// A terminal shrunk to 1×1: the view survives and quits cleanly from there; grown back, it draws the
    /// whole tree again (Ctrl-L repaints every cell, should the terminal have dropped any).
    @Test func aTerminalShrunkToOneCellSurvives() throws {
        let tmux = Tmux()
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "100", "-y", "30", Self.viewThenStty("seed_mlp")])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        _ = try tmux.waitFor { $0.contains("trainable") }
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "1", "-y", "1"])
        Thread.sleep(forTimeInterval: 1)
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "100", "-y", "30"])
        try tmux.run(["send-keys", "-t", tmux.session, "C-l"])
        let back = try tmux.waitFor { $0.contains("trainable") && $0.contains("Linear") }
        #expect(back.contains("Linear"), "the tree is drawn again at full size: \(back)")
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "1", "-y", "1"])
        Thread.sleep(forTimeInterval: 1)
        try tmux.run(["send-keys", "-t", tmux.session, "q"])
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "100", "-y", "30"])
        Self.expectSane(try tmux.waitFor(30) { Self.sttyPrinted($0) }, exit: "0", "quitting at 1×1")
    }

    /// An error in the runner (an op nntop lacks, met at the first forward) shows in the header with the
    /// module it failed in; the view stays usable and quits cleanly.
    @Test func anErrorInTheRunnerShowsAndQuitsCleanly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-runner-error-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("missing-op.pt2")
        // The golden archive with its SiLU op renamed to one no PyTorch has.
        let rewrite = """
            import sys, zipfile
            src, dst = sys.argv[1], sys.argv[2]
            with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as out:
                for info in z.infolist():
                    data = z.read(info)
                    if info.filename.endswith("models/model.json"):
                        data = data.replace(b"torch.ops.aten.silu.default", b"torch.ops.aten.nntop_missing_op.default")
                    out.writestr(info.filename, data)
            """
        let python = try Subprocess.run("python3", ["-c", rewrite, try Goldens.url("export/custom_cnn/model.pt2").path, broken.path])
        try #require(python.status == 0, "python3 rewrote the archive: \(python.stderr)")
        let tmux = Tmux()
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "150", "-y", "40", Self.viewThenStty(broken.path)])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        let failed = try tmux.waitFor(60) { $0.contains("nntop_missing_op") }
        #expect(failed.contains("nntop_missing_op"), "the header names the op: \(failed)")
        try tmux.run(["send-keys", "-t", tmux.session, "j", "j", "q"])
        Self.expectSane(try tmux.waitFor(30) { Self.sttyPrinted($0) }, exit: "0", "a runner error")
    }

    @Test func tinyTerminalSaysSoAndQuitsCleanly() throws {
        let tmux = Tmux()
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "30", "-y", "8", "\(Self.binary) seed_mlp; echo EXIT=$?; sleep 30"])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        let screen = try tmux.waitFor { $0.lowercased().contains("too small") }
        #expect(screen.lowercased().contains("too small"))
        try tmux.run(["send-keys", "-t", tmux.session, "q"])
        #expect(try tmux.waitFor { $0.contains("EXIT=") }.contains("EXIT=0"))
    }

    @Test func aRecordedProfileReopensWithoutTheModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-session-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let profile = try Subprocess.run(Self.binary, ["profile", "lenet5", "--runs", "2", "--json", file])
        #expect(profile.status == 0)

        let tmux = Tmux()
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "150", "-y", "30", "\(Self.binary) \(file); echo EXIT=$?; sleep 30"])
        defer { _ = try? tmux.run(["kill-session", "-t", tmux.session]) }
        let screen = try tmux.waitFor { $0.contains("recorded session") && $0.contains("[2, 6, 24, 24]") }
        #expect(screen.contains("recorded session"))
        #expect(screen.contains("MaxPool2d") && screen.contains("[2, 6, 24, 24]") && screen.contains("trainable 44.4K"))
        try tmux.run(["send-keys", "-t", tmux.session, "q"])
        #expect(try tmux.waitFor { $0.contains("EXIT=") }.contains("EXIT=0"))
    }

    @Test func notATerminalPointsToSummary() throws {
        let result = try Subprocess.run(Self.binary, ["lenet5"], timeout: 60)
        #expect(result.status != 0)
        #expect(result.stderr.contains("nntop summary"))
    }
}
