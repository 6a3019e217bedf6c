// Audio analysis: see FeatureExtractor.swift.
