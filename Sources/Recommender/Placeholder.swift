// The recommender: see TasteModel.swift.
