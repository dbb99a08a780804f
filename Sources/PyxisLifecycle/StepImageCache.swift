import PyxisCore

/// The image cache as a step's set-up uses it (docs/image-cache.md): the file for an image,
/// and a file the step could not start from, reported as perhaps damaged. Each gives one typed
/// answer; the command's exit statuses are read here and nowhere else (`ImageCacheWire`).
struct StepImageCache {
    let client: ImageCacheClient
    let context: StepContext
    let directory: String

    enum FileAnswer {
        case file(ImageCacheAnswer)
        /// The cache directory cannot be used (not the image): why, and the command's failure.
        case unusable(reason: String, CommandFailure)
    }

    enum DamageAnswer {
        /// The file was damaged: removed, and the image imported again into this one.
        case replaced(ImageCacheAnswer)
        /// The file reads whole: the failure lies elsewhere.
        case sound
    }

    /// The image's file, with a reference for the step until its teardown.
    func file(for uri: String) throws(LifecycleError) -> FileAnswer {
        do {
            return .file(try get(uri, damaged: nil))
        } catch {
            guard error.status == ImageCacheWire.cacheUnusableStatus else {
                throw LifecycleError("failed to import docker image: \(context.imageText) into the image cache \(directory)", error)
            }
            let why = error.log.first.map { line in
                if case .report(let said) = ImageCacheWire.parse(line) { return said }
                return line
            } ?? error.ending
            return .unusable(reason: why, error)
        }
    }

    /// FILE (the one `file(for:)` gave, `identity` as it said) failed to start: the cache checks it.
    func reportDamage(of file: String, identity: String?, uri: String) throws(LifecycleError) -> DamageAnswer {
        do {
            return .replaced(try get(uri, damaged: (file, identity)))
        } catch {
            if error.status == ImageCacheWire.fileSoundStatus { return .sound }
            throw LifecycleError("failed to import docker image: \(context.imageText) into the image cache \(directory) again, after its file \(file) failed", error)
        }
    }

    private func get(_ uri: String, damaged: (file: String, identity: String?)?) throws(CommandFailure) -> ImageCacheAnswer {
        try client.get(uri, directory: directory, limit: context.config.imageCacheMax, tagTTL: context.config.imageCacheTagTTL,
                       step: context.step.stepLabel, damaged: damaged)
    }
}
