// Placeholder: filled in as the UI lands.
