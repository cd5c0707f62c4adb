import ArgumentParser
import Checkpoints
import Foundation
import ModelSources
import ModelView
import NNTopUI
import Profiler

extension BenchCommand {
    /// `--tree`: one JSON object per tree (the synthetic one, then each `--tree-model`), each with a plausible
    /// profile of every module arriving as a snapshot would.
    func runTree() throws {
        guard treeModules > 0 else { throw ValidationError("--tree-modules must be positive") }
        var trees = [SyntheticModel.make(moduleCount: treeModules)]
        try CLIError.wrap {
            for name in treeModel {
                let loaded = try ModelResolver.load(name, loading: .lazy)
                trees.append(ModelTree(module: loaded.module, name: name, source: loaded.source))
            }
        }
        var results: [TreeBenchmark.Result] = []
        for model in trees {
            let result = TreeBenchmark.run(model: model, snapshot: SyntheticModel.profile(for: model), frames: runs * 10)
            results.append(result)
            FileHandle.standardError.write(Data(("\(result.model): \(result.modules) modules, frame \(Self.number(result.frameMs.median)) ms "
                + "(max \(Self.number(result.frameMs.max))), search keystroke max \(Self.number(result.searchKeystrokeMs.max)) ms, "
                + "filter keystroke max \(Self.number(Swift.max(result.classFilterKeystrokeMs.max, result.regexFilterKeystrokeMs.max))) ms\n").utf8))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(["trees": results])
        let text = String(decoding: data, as: UTF8.self)
        print(text)
        if let json { try CLIError.wrap { try OutputFile.write(text, to: json) } }
    }
}
