extension StringProtocol {
    /// The index of the first occurrence of `needle`, or nil (`"podman://x"`, `"://"` → 6).
    ///
    /// Written out because the plugin's modules are built without the regex engine
    /// (`_StringProcessing`, see Package.swift), which is where `firstRange(of:)` and
    /// `contains(_: some StringProtocol)` live. Inputs here are short: a quadratic scan is fine.
    public func firstIndex(ofSubstring needle: some StringProtocol) -> Index? {
        guard !needle.isEmpty else { return startIndex }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) {
                return index
            }
            index = self.index(after: index)
        }
        return nil
    }

    /// True when `needle` occurs in the string.
    public func containsSubstring(_ needle: some StringProtocol) -> Bool {
        firstIndex(ofSubstring: needle) != nil
    }
}
