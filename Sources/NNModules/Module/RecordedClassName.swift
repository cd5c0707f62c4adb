extension Module {
    /// Makes `typeName` the class name a saved file records (`CustomCNN`, `Block`, `Conv1D`), for module
    /// trees rebuilt from archives whose classes nntop does not have as Swift types.
    public func setRecordedClassName(_ name: String) {
        classNameOverride = name
    }
}
