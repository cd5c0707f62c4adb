import ModelView

/// Edits of the model (requires_grad, train/eval): applied to the UI's own tables at once, so counts and
/// the memory estimate change in the same frame, and returned as effects for the app to carry out.
extension AppState {
    /// Space: like staging in lazygit, freezes a fully trainable subtree and unfreezes anything else.
    mutating func toggleRequiresGrad(ofSubtree row: Int) -> [Effect] {
        guard model.modules.indices.contains(row) else { return [] }
        let ids = uniqueParamIDs(in: index.subtree(row))
        let label = row == 0 || model.modules[row].name.isEmpty ? model.name : model.modules[row].name
        return toggleRequiresGrad(ids, label: label)
    }

    /// `a`: the same for the whole model.
    mutating func toggleRequiresGradOfAll() -> [Effect] {
        toggleRequiresGrad(model.parameters.map(\.id), label: "all parameters")
    }

    mutating func undo() -> [Effect] {
        guard allowsEdits() else { return [] }
        guard let edit = undoStack.popLast() else {
            say("nothing to undo")
            return []
        }
        var effects: [Effect] = []
        for value in [false, true] {
            let ids = edit.previous.filter { $0.value == value }.map(\.key).sorted()
            guard !ids.isEmpty else { continue }
            _ = setRequiresGrad(ids, value)
            effects.append(.setRequiresGrad(paramIDs: ids, value))
        }
        say("undone: \(Format.count(accounting.trainable)) trainable")
        return effects
    }

    mutating func toggleTraining() -> [Effect] {
        guard allowsEdits() else { return [] }
        setTraining(!model.training)
        say(model.training ? "model.train()" : "model.eval()")
        return [.setTraining(model.training)]
    }

    /// `T`: training steps on the runner, so Space shows what freezing does to gradients and backward time.
    mutating func toggleTrainStep() -> [Effect] {
        guard allowsEdits() else { return [] }
        if let reason = capabilities.noTrainStepReason {
            say("no training step: \(reason)", error: true)
            return []
        }
        trainStepRequested.toggle()
        var effects: [Effect] = []
        if trainStepRequested {
            // A training step runs in train mode (batch statistics, dropout), as a training loop would.
            trainingBeforeStep = model.training
            if !model.training {
                setTraining(true)
                effects.append(.setTraining(true))
            }
            say("train step: model.train(); forward + backward + AdamW step on a synthetic batch")
        } else {
            effects = restoreTrainingAfterStep()
            say("train step off: plain forwards under no_grad" + (model.training ? "" : ", model.eval() again"))
        }
        return effects + [.setTrainStep(trainStepRequested)]
    }

    /// Puts train/eval back to what it was before `T`.
    mutating func restoreTrainingAfterStep() -> [Effect] {
        defer { trainingBeforeStep = nil }
        guard let before = trainingBeforeStep, before != model.training else { return [] }
        setTraining(before)
        return [.setTraining(before)]
    }

    private mutating func toggleRequiresGrad(_ ids: [Int], label: String) -> [Effect] {
        guard allowsEdits() else { return [] }
        let positions = ids.compactMap { index.parameterPosition[$0] }
        guard !positions.isEmpty else {
            say("\(label) has no parameters")
            return []
        }
        let value = !positions.allSatisfy { model.parameters[$0].requiresGrad }
        let previous = setRequiresGrad(ids, value)
        undoStack.append(RequiresGradEdit(previous: previous))
        let changed = positions.reduce(0) { $0 + model.parameters[$1].numel }
        say("\(label): requires_grad=\(value ? "True" : "False") (\(Format.count(changed)) params)")
        return [.setRequiresGrad(paramIDs: previous.keys.sorted(), value)]
    }

    /// Parameter ids registered anywhere in `rows`, each once, in first-seen order.
    private func uniqueParamIDs(in rows: [Int]) -> [Int] {
        var seen = Set<Int>()
        var ids: [Int] = []
        for r in rows {
            for ref in model.modules[r].params where seen.insert(ref.tensor).inserted { ids.append(ref.tensor) }
        }
        return ids
    }

    /// Whether the source allows edits; when it does not, says why in the status bar.
    /// - Returns: `true` when the edit may go ahead.
    private mutating func allowsEdits() -> Bool {
        if let reason = capabilities.readOnlyReason { say("read-only: \(reason)", error: true) }
        return capabilities.canEdit
    }
}
