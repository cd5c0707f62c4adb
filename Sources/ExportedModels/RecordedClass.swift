/// Class names as saved files record them.
enum RecordedClass {
    /// `Conv2d` for `torch.nn.modules.conv.Conv2d`: what `type(m).__name__` prints.
    static func shortName(_ qualified: String) -> String {
        String(qualified.split(separator: ".").last ?? Substring(qualified))
    }

    /// TorchScript's `__torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d` as the Python class it was
    /// compiled from: `torch.nn.modules.conv.Conv2d` (`__torch__.Block` is `Block` of the user's module).
    static func demangledTorchScript(_ qualified: String) -> String {
        var parts = qualified.split(separator: ".").map(String.init)
        if parts.first == "__torch__" { parts.removeFirst() }
        return parts.filter { !$0.hasPrefix("___torch_mangle_") }.joined(separator: ".")
    }

    /// Whether a qualified name is one of `torch.nn`'s own modules.
    static func isTorchNN(_ qualified: String) -> Bool { qualified.hasPrefix("torch.nn.modules.") }
}
