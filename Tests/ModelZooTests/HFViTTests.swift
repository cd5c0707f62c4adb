import ModelZoo
import NNModules
import Testing

/// Hugging Face ViT (`model_type: vit`), with no golden recorded from transformers: the module and parameter
/// names, classes, order and shapes written out from `modeling_vit.py`'s naming rules, the parameter counts
/// of the published checkpoints, and meta forwards at full size.
@Suite struct HFViTTests {
    /// `named_modules()` of `ViTModel`: attributes in `__init__` assignment order, each layer's sub-blocks
    /// before its two LayerNorms.
    static func expectedModules(layers: Int, pooler: Bool) -> [String] {
        var rows = ["ViTModel", "embeddings ViTEmbeddings", "embeddings.patch_embeddings ViTPatchEmbeddings",
                    "embeddings.patch_embeddings.projection Conv2d", "embeddings.dropout Dropout", "encoder ViTEncoder",
                    "encoder.layer ModuleList"]
        for layer in 0..<layers {
            let p = "encoder.layer.\(layer)"
            rows += ["\(p) ViTLayer", "\(p).attention ViTAttention", "\(p).attention.attention ViTSelfAttention",
                     "\(p).attention.attention.query Linear", "\(p).attention.attention.key Linear",
                     "\(p).attention.attention.value Linear", "\(p).attention.attention.dropout Dropout",
                     "\(p).attention.output ViTSelfOutput", "\(p).attention.output.dense Linear",
                     "\(p).attention.output.dropout Dropout", "\(p).intermediate ViTIntermediate",
                     "\(p).intermediate.dense Linear", "\(p).intermediate.intermediate_act_fn GELUActivation",
                     "\(p).output ViTOutput", "\(p).output.dense Linear", "\(p).output.dropout Dropout",
                     "\(p).layernorm_before LayerNorm", "\(p).layernorm_after LayerNorm"]
        }
        rows.append("layernorm LayerNorm")
        if pooler { rows += ["pooler ViTPooler", "pooler.dense Linear", "pooler.activation Tanh"] }
        return rows
    }

    static func rows(_ model: Module) -> [String] {
        model.namedModules().map { $0.name.isEmpty ? $0.module.typeName : "\($0.name) \($0.module.typeName)" }
    }

    @Test func tinyModelNamesModulesAsTransformers() throws {
        let model = try TensorDefaults.$device.withValue(.meta) { try ViTModel(.tiny) }
        #expect(Self.rows(model) == Self.expectedModules(layers: 2, pooler: true))
        let head = try TensorDefaults.$device.withValue(.meta) { try ViTForImageClassification(.tiny) }
        let backbone = Self.expectedModules(layers: 2, pooler: false).dropFirst().map { "vit.\($0)" }
        #expect(Self.rows(head) == ["ViTForImageClassification", "vit ViTModel"] + backbone + ["classifier Linear"])
    }

    @Test func tinyStateDictHasTransformersKeysAndShapes() throws {
        let model = try TensorDefaults.$device.withValue(.meta) { try ViTModel(.tiny) }
        let (h, i) = (32, 64)
        var expected: [String] = ["embeddings.cls_token [1, 1, 32]", "embeddings.position_embeddings [1, 17, 32]",
                                  "embeddings.patch_embeddings.projection.weight [32, 3, 8, 8]",
                                  "embeddings.patch_embeddings.projection.bias [32]"]
        for layer in 0..<2 {
            let p = "encoder.layer.\(layer)."
            for name in ["query", "key", "value"] {
                expected += ["\(p)attention.attention.\(name).weight [\(h), \(h)]", "\(p)attention.attention.\(name).bias [\(h)]"]
            }
            expected += ["\(p)attention.output.dense.weight [\(h), \(h)]", "\(p)attention.output.dense.bias [\(h)]",
                         "\(p)intermediate.dense.weight [\(i), \(h)]", "\(p)intermediate.dense.bias [\(i)]",
                         "\(p)output.dense.weight [\(h), \(i)]", "\(p)output.dense.bias [\(h)]"]
            for norm in ["layernorm_before", "layernorm_after"] {
                expected += ["\(p)\(norm).weight [\(h)]", "\(p)\(norm).bias [\(h)]"]
            }
        }
        expected += ["layernorm.weight [32]", "layernorm.bias [32]", "pooler.dense.weight [32, 32]", "pooler.dense.bias [32]"]
        let keys = try model.stateDict().map { "\($0.key) \($0.value.tensor?.sizes.description ?? "-")" }
        #expect(keys == expected)
        #expect(model.buffers().isEmpty)
    }

    /// Embeddings, then per layer q/k/v/out projections, the MLP and two LayerNorms, the final LayerNorm,
    /// the pooler or classifier.
    static func parameterCount(_ c: ViTConfig, pooler: Bool, labels: Int = 0) -> Int {
        let (h, i) = (c.hiddenSize, c.intermediateSize)
        let patches = (c.imageSize / c.patchSize) * (c.imageSize / c.patchSize)
        let embeddings = h + (patches + 1) * h + c.numChannels * c.patchSize * c.patchSize * h + h
        let layer = 4 * (h * h + h) + (h * i + i) + (i * h + h) + 4 * h
        return embeddings + c.numHiddenLayers * layer + 2 * h + (pooler ? h * h + h : 0) + (labels > 0 ? h * labels + labels : 0)
    }

    static func count(_ model: Module) -> Int { model.parameters().map(\.count).reduce(0, +) }

    @Test func parameterCountsFollowTheFormulaAndThePublishedCheckpoints() throws {
        let (tiny, base, classifier) = try TensorDefaults.$device.withValue(.meta) {
            (try ViTModel(.tiny), try ViTModel(.base), try ViTForImageClassification(.base))
        }
        #expect(Self.count(tiny) == 24_960)
        #expect(Self.parameterCount(.tiny, pooler: true) == 24_960)
        // google/vit-base-patch16-224-in21k (ViTModel) and google/vit-base-patch16-224 (1000 classes).
        #expect(Self.count(base) == 86_389_248)
        #expect(Self.parameterCount(.base, pooler: true) == 86_389_248)
        #expect(Self.count(classifier) == 86_567_656)
        #expect(Self.parameterCount(.base, pooler: false, labels: 1000) == 86_567_656)
    }

    @Test func baseMetaForwardGivesTransformersShapes() throws {
        let pixels = Value.tensor(Tensor.empty(ViTConfig.base.pixelValuesShape, device: .meta))
        let model = try TensorDefaults.$device.withValue(.meta) { try ViTModel(.base) }
        #expect(model.pixelValuesShape == [1, 3, 224, 224])
        let output = try model.call([pixels])
        #expect(try output.field(named: "last_hidden_state")?.sizes == [1, 197, 768])
        #expect(try output.field(named: "pooler_output")?.sizes == [1, 768])
        #expect(output.flattenedTensors().allSatisfy { $0.tensor.isMeta })
        let classifier = try TensorDefaults.$device.withValue(.meta) { try ViTForImageClassification(.base) }
        let logits = try classifier.call([], kwargs: ["pixel_values": pixels])
        #expect(logits.flattenedTensors().map(\.path) == ["logits"])
        #expect(try logits.field(named: "logits")?.sizes == [1, 1000])
    }

    /// Freshly built (training mode, dropout active) on real data: right shapes, finite values; a wrong image
    /// size is refused with transformers' message.
    @Test func tinyModelRunsOnRealPixels() throws {
        let model = try ViTModel(.tiny)
        let output = try model(.tensor(Tensor.randn([2, 3, 32, 32])))
        #expect(try output.field(named: "last_hidden_state")?.sizes == [2, 17, 32])
        #expect(try output.flattenedTensors().allSatisfy { try $0.tensor.toDoubles().allSatisfy(\.isFinite) })
        let error = #expect(throws: TorchError.self) { try model(.tensor(Tensor.randn([1, 3, 16, 16]))) }
        #expect(error.map { "\($0)" }?.contains("Input image size (16*16) doesn't match model (32*32).") == true)
    }

    @Test func configDecodesWithTransformersDefaults() throws {
        #expect(try ViTConfig(json: ["model_type": "vit"]) == ViTConfig())
        #expect(try ViTConfig(json: ["id2label": ["0": "cat", "1": "dog", "2": "bird"], "num_labels": 7]).numLabels == 3)
        #expect(try ViTConfig(json: ["num_labels": 7]).numLabels == 7)
        var noBias = ViTConfig.tiny
        noBias.qkvBias = false
        let model = try TensorDefaults.$device.withValue(.meta) { try ViTModel(noBias) }
        // No bias on the three projections of each of the two layers.
        #expect(Self.count(model) == 24_960 - 2 * 3 * 32)
    }

    @Test func configBuildsTheArchitectureItNames() throws {
        try TensorDefaults.$device.withValue(.meta) {
            let json: [String: Any] = ["model_type": "vit", "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                                       "intermediate_size": 64, "image_size": 32, "patch_size": 8]
            #expect(try HFModels.build(config: json) is ViTModel)
            #expect(try HFModels.build(config: json.merging(["architectures": ["ViTModel"]]) { $1 }) is ViTModel)
            let head = try HFModels.build(config: json.merging(["architectures": ["ViTForImageClassification"]]) { $1 })
            #expect(try head.getParameter("classifier.weight").sizes == [2, 32])
            #expect(throws: HFConfigError.unsupported("architecture 'ViTForMaskedImageModeling'")) {
                try HFModels.build(config: json.merging(["architectures": ["ViTForMaskedImageModeling"]]) { $1 })
            }
        }
    }
}
