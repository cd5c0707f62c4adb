import Foundation
import NNModules

/// One stderr line, rewritten as `load_state_dict` reaches each module, so a load of gigabytes of
/// weights shows it is moving. Only when stderr is a terminal: logs and pipes get no carriage returns.
final class LoadProgress {
    private var handles: [RemovableHandle] = []

    init(model: Module, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        guard isTerminal else { return }
        let modules = model.namedModules()
        for (index, entry) in modules.enumerated() {
            handles.append(entry.module.registerLoadStateDictPreHook { _, _, _, _, _, _, _, _ in
                let name = entry.name.isEmpty ? "(root)" : entry.name
                FileHandle.standardError.write(Data("\r\u{1B}[Kloading weights: module \(index + 1)/\(modules.count) \(name)".utf8))
            })
        }
    }

    /// Removes the hooks and clears the line.
    func finish() {
        if !handles.isEmpty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        handles.forEach { $0.remove() }
        handles = []
    }
}
