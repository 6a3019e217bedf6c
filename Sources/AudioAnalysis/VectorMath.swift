/// The few inner loops that dominate the analysis's cost (the decimation filter and the onset envelope's
/// autocorrelation), written once over eight-wide SIMD so they do not depend on the optimiser vectorising a
/// floating-point reduction, which it may not do by itself (that would reorder additions).
enum VectorMath {
    /// Σ a[i]·b[i] for i in 0..<count.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var accumulator = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            let x = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
            // Not `addProduct`: without FMA in the baseline x86-64 target that becomes eight calls to `fmaf`.
            accumulator += x * y
            index += 8
        }
        var sum = accumulator.sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    /// Σ a[i]² for i in 0..<count, in double precision (a frame's energy; a track's).
    @inline(__always)
    static func sumOfSquares(_ a: UnsafePointer<Float>, count: Int) -> Double {
        Double(dot(a, a, count: count))
    }
}

extension Double {
    /// The value, or `fallback` where it is NaN or infinite: the features must never carry either.
    func finiteOr(_ fallback: Double = 0) -> Double { isFinite ? self : fallback }

    /// Clamped to 0…1 (NaN becomes 0).
    var clampedToUnit: Double { isFinite ? Swift.min(1, Swift.max(0, self)) : 0 }
}
