/// `Kwargs`, `StateDict` and module tables are ordered dictionaries in the public API, as in PyTorch;
/// users of NNModules get the type without importing swift-collections themselves.
@_exported import OrderedCollections
