import Glibc
import PyxisSystem

/// Where the plugin's own files are: beside the Swift core, wherever `make install` put it
/// (`$(LIBDIR)/slurm/pyxis/`), which holds a link to each helper the core runs.
enum PluginFiles {
    /// The directory of this core (its real path), or nil when the loader cannot say.
    static let coreDirectory: String? = {
        guard let path = Executables.loadedFrom, let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }()

    /// `pyxis-image-cache` beside the core, when it is installed there.
    static var imageCacheCommand: String? {
        guard let directory = coreDirectory else { return nil }
        let path = directory + "/pyxis-image-cache"
        return access(path, X_OK) == 0 ? path : nil
    }
}
