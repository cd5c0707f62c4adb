import NNModules

/// LeNet-5 for a 1×28×28 input as one flat `nn.Sequential` (module names "0".."11").
public enum LeNet5 {
    public static func build() throws -> Sequential {
        Sequential(
            try Conv2d(1, 6, kernelSize: 5), ReLU(), MaxPool2d(2),
            try Conv2d(6, 16, kernelSize: 5), ReLU(), MaxPool2d(2),
            Flatten(),
            Linear(256, 120), ReLU(),
            Linear(120, 84), ReLU(),
            Linear(84, 10)
        )
    }
}
