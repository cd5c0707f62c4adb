import NNModules

/// The seed article's example: `nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2))`.
public enum SeedMLP {
    public static func build() throws -> Sequential {
        Sequential(Linear(2, 2), ReLU(), Linear(2, 2))
    }
}
