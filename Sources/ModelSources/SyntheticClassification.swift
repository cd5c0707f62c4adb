import NNModules

/// A synthetic classification set shaped like a model's sample input: one fixed random prototype per class
/// that the batch uses, plus noise, so a model that learns sees its loss fall within a few steps (LeNet's
/// "digits" are 1×28×28 prototypes). Drawn from the default generator after seeding, so runs repeat.
struct SyntheticClassification {
    let inputs: Tensor
    let labels: Tensor

    init(sampleShape: [Int], classes: Int, batch: Int, seed: UInt64) throws {
        guard classes > 1 else { throw ModelLoadError(description: "the model's output has \(classes) class(es); training needs at least 2") }
        DefaultGenerator.manualSeed(seed)
        let itemShape = Array(sampleShape.dropFirst())
        // Labels are `i % classes` for i < batch, so only min(classes, batch) prototypes are ever used: drawing all of them made
        // an ImageNet classifier fill 1000 × 3×224×224 values before its first training step.
        let prototypes = Tensor.randn([min(classes, batch)] + itemShape)
        let labelValues = (0..<batch).map { Double($0 % classes) }
        let noise = Tensor.randn([batch] + itemShape)
        var rows: [Tensor] = []
        for (i, label) in labelValues.enumerated() {
            rows.append(try (try prototypes.select(0, Int(label)) + (try noise.select(0, i) * 0.5)).unsqueeze(0))
        }
        inputs = try Tensor.cat(rows, dim: 0)
        labels = Tensor(labelValues, shape: [batch], dtype: .int64)
    }
}
