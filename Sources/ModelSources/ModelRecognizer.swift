import Checkpoints
import ModelZoo
import NNModules

/// Recognises the state dict of a zoo model in a bare checkpoint, so `seed_mlp.pt` opens as the `Sequential`
/// it came from rather than as a tree of unknown classes.
enum ModelRecognizer {
    /// The zoo model whose `state_dict()` has exactly these keys with these shapes. Each candidate is built on
    /// the meta device (no memory, no initialisation) and its key set compared.
    static func recognize(_ tensors: [TensorSummary]) -> ZooModel? {
        var wanted: [String: [Int]] = [:]
        for tensor in tensors { wanted[tensor.name] = tensor.shape }
        return Zoo.models.first { entry in
            guard let model = try? entry.build(on: .meta), let stateDict = try? model.stateDict(),
                  stateDict.count == wanted.count else { return false }
            return stateDict.allSatisfy { key, value in wanted[key] == value.tensor?.sizes }
        }
    }
}
