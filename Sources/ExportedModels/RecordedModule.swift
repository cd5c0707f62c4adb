import NNModules

/// A module rebuilt from a saved file as structure only: the class name the file records, its parameters,
/// buffers and children, and a `forward` that says why it cannot run (a user's own class is Python code
/// nntop never runs; an exported graph's submodules run only through the graph).
public final class RecordedModule: Module {
    /// The class's qualified name as recorded (`__main__.Block`, `torch.nn.modules.container.ModuleList`),
    /// or nil when the archive names the module but not its class.
    public let qualifiedClassName: String?
    /// Why `forward` throws.
    public let reason: String

    public init(qualifiedClassName: String?, reason: String) {
        self.qualifiedClassName = qualifiedClassName
        self.reason = reason
        super.init()
        setRecordedClassName(qualifiedClassName.map(RecordedClass.shortName) ?? "Module")
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        throw ExportedModelError.notRunnable(className: qualifiedClassName ?? typeName, reason: reason)
    }
}
