import Testing
@testable import ModelView

@Suite struct FormatTests {
    @Test(arguments: [
        (0, "0"), (999, "999"), (1000, "1.00K"), (44_400, "44.4K"), (61_706, "61.7K"), (123_456, "123K"),
        (999_499, "999K"), (999_950, "1.00M"), (11_689_512, "11.7M"), (6_740_000_000, "6.74B"), (-1500, "-1.50K"),
    ])
    func counts(value: Int, expected: String) {
        #expect(Format.count(value) == expected)
    }

    @Test(arguments: [
        (0.0000005, "0.50ns"), (0.0123, "12.3µs"), (0.9994, "999µs"), (0.9996, "1.00ms"), (1.234, "1.23ms"),
        (12.34, "12.3ms"), (123.4, "123ms"), (2345.0, "2.35s"),
    ])
    func durations(ms: Double, expected: String) {
        #expect(Format.duration(milliseconds: ms) == expected)
    }

    @Test func nonFiniteDuration() {
        #expect(Format.duration(milliseconds: .nan) == "—")
    }

    /// Found by the attach fuzz target: times from an agent or a session file may be absurd; they are
    /// printed, never trapped on.
    @Test func absurdValuesFromOutsideArePrintedNotTrappedOn() {
        #expect(Format.duration(milliseconds: 1e300) == "1.00e297s")
        #expect(Format.duration(milliseconds: 5_000_000) == "5000s")
        #expect(Format.duration(milliseconds: -2.5) == "-2.50ms")
        #expect(Format.percent(1e300) == "1.00e302%")
        #expect(Format.count(Int.max) == "9223372T")
    }

    @Test(arguments: [
        (0, "0 B"), (512, "512 B"), (4096, "4.00 KiB"), (46_758_048, "44.6 MiB"), (1_288_490_189, "1.20 GiB"),
    ])
    func bytes(value: Int, expected: String) {
        #expect(Format.bytes(value) == expected)
    }

    @Test func percentages() {
        #expect(Format.percent(0.123) == "12%")
        #expect(Format.percent(0.001) == "<1%")
        #expect(Format.percent(0) == "0%")
        #expect(Format.percent(1) == "100%")
    }

    @Test func numbers() {
        #expect(Format.number(0) == "0")
        #expect(Format.number(0.1234) == "0.12")
        #expect(Format.number(-3.21) == "-3.21")
        #expect(Format.number(12345) == "12345")
        #expect(Format.number(0.000123) == "1.23e-4")
        #expect(Format.number(0.0042) == "4.20e-3")
        #expect(Format.number(1.5e9) == "1.50e9")
        #expect(Format.number(.nan) == "nan")
        #expect(Format.number(-.infinity) == "-inf")
    }

    @Test func shortensNamesFromTheFront() {
        #expect(Format.shortenName("layer1.0.downsample.0", to: 30) == "layer1.0.downsample.0")
        #expect(Format.shortenName("layer1.0.downsample.0", to: 15) == "…0.downsample.0")
        #expect(Format.shortenName("layer1.0.downsample.0", to: 14) == "…downsample.0")
        #expect(Format.shortenName("layer1.0.downsample.0", to: 8) == "…0")
        #expect(Format.shortenName("transformer", to: 5) == "tran…")
        #expect(Format.shortenName("transformer.h.11.attn.c_attn", to: 12) == "…attn.c_attn")
        #expect(Format.shortenName("abc", to: 0) == "")
    }

    @Test func truncates() {
        #expect(Format.truncate("BatchNorm2d", to: 20) == "BatchNorm2d")
        #expect(Format.truncate("BatchNorm2d", to: 6) == "Batch…")
    }

    @Test func shortDtypes() {
        #expect(Format.dtype("float32") == "f32")
        #expect(Format.dtype("torch.bfloat16") == "bf16")
        #expect(Format.dtype("complex64") == "complex64")
    }
}
