/// Whether a checkpoint's tensor data is read, or only its headers (shapes and dtypes, on the `meta` device).
///
/// Browsing a multi-gigabyte checkpoint needs only its structure; reading the weights would take minutes and
/// as much memory as the checkpoint. So above `automaticThreshold` nntop browses lazily unless told otherwise.
public enum WeightLoading: Equatable, Sendable {
    /// Lazy above the threshold, loaded below it.
    case automatic
    /// Headers only, whatever the size (`--lazy-weights`).
    case lazy
    /// Always read the weights (`--no-lazy-weights`).
    case full

    /// 2 GiB: a float32 model of about 500M parameters.
    public static let automaticThreshold = 2 << 30

    /// `--lazy-weights` / `--no-lazy-weights` / neither.
    public init(flag: Bool?) {
        switch flag {
        case true?: self = .lazy
        case false?: self = .full
        case nil: self = .automatic
        }
    }

    public func isLazy(checkpointBytes: Int) -> Bool {
        switch self {
        case .automatic: checkpointBytes > Self.automaticThreshold
        case .lazy: true
        case .full: false
        }
    }
}
