/// The tree's data columns. Each has a fixed width and a rank: on narrow terminals the lowest-ranked
/// columns are dropped first, and the name column takes whatever width is left.
enum TreeColumn: CaseIterable {
    case className, own, total, trainable, dtype, device, buffers, output, flops, p50, selfTime, calls, backward,
         gradNorm, share

    /// Says what the number is: inclusive (`incl`) or self time, and whose share (`self%`: the module's self
    /// time as a part of the whole forward).
    var title: String {
        switch self {
        case .className: return "class"
        case .own: return "own"
        case .total: return "params"
        case .trainable: return "grad"
        case .dtype: return "dtype"
        case .device: return "device"
        case .buffers: return "buffers"
        case .output: return "output"
        case .flops: return "FLOPs"
        case .p50: return "incl"
        case .selfTime: return "self"
        case .calls: return "calls"
        case .backward: return "bwd"
        case .gradNorm: return "grad norm"
        case .share: return "self%"
        }
    }

    var width: Int {
        switch self {
        case .className: return 14
        case .own, .total, .flops, .selfTime, .p50, .backward: return 7
        case .calls: return 5
        case .gradNorm: return 9
        case .trainable: return 4
        case .dtype: return 8
        case .device: return 6
        case .buffers: return 9
        case .output: return 17
        case .share: return 9
        }
    }

    /// Numbers align right, text left.
    var alignsRight: Bool {
        switch self {
        case .className, .trainable, .dtype, .device, .output, .share: return false
        case .own, .total, .buffers, .flops, .p50, .selfTime, .calls, .backward, .gradNorm: return true
        }
    }

    /// Most important first: what a PyTorch user looks for before anything else. The backward columns
    /// exist only in train-step mode, right after the forward latency.
    static func byImportance(trainStep: Bool) -> [TreeColumn] {
        [.total, .p50] + (trainStep ? [.backward, .gradNorm] : []) + [
            .trainable, .className, .share, .own, .output, .selfTime, .calls, .flops, .dtype, .device, .buffers,
        ]
    }

    /// The name column never gets narrower than this while other columns are added.
    static let minimumNameWidth = 22

    /// The most important columns that fit next to the name column in `width`, in display order; the
    /// first one that does not fit ends the choice, so a less important column never displaces a more
    /// important one.
    static func fitting(width: Int, trainStep: Bool = false) -> [TreeColumn] {
        var chosen: Set<TreeColumn> = []
        var used = minimumNameWidth
        for column in byImportance(trainStep: trainStep) {
            guard used + 1 + column.width <= width else { break }
            chosen.insert(column)
            used += 1 + column.width
        }
        return allCases.filter { chosen.contains($0) }
    }
}
