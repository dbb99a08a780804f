import Testing
@testable import PyxisCore

@Suite struct SizeLimitTests {
    @Test func parsesBytesAndUnits() throws {
        #expect(try SizeLimit.parse("0") == 0)
        #expect(try SizeLimit.parse("1024") == 1024)
        #expect(try SizeLimit.parse("500M") == 500 << 20)
        #expect(try SizeLimit.parse("10G") == 10 << 30)
        #expect(try SizeLimit.parse("10GiB") == 10 << 30)
        #expect(try SizeLimit.parse("1.5T") == 3 << 39)
        #expect(try SizeLimit.parse("2k") == 2048)
    }

    @Test func rejectsWhatIsNotASize() {
        for bad in ["", "G", "-1G", "1.2.3G", "10X", "ten", " 10G", "1e3", "99999999999T"] {
            #expect(throws: SizeLimit.Invalid(value: bad)) { try SizeLimit.parse(bad) }
        }
    }

    @Test func describes() {
        #expect(SizeLimit.describe(512) == "512B")
        #expect(SizeLimit.describe(1536 << 20) == "1.5G")
        #expect(SizeLimit.describe(2 << 30) == "2G")
    }
}

@Suite struct ImageCacheConfigTests {
    @Test func plugstackKeys() throws {
        let config = try PluginConfig(arguments: ["image_cache=/shared/cache/%u", "image_cache_max=500G",
                                                  "image_cache_user=1", "image_cache_fallback=0",
                                                  "image_cache_command=/opt/pyxis/pyxis-image-cache",
                                                  "image_cache_tag_ttl=300"])
        #expect(config.imageCacheTagTTL == 300)
        #expect(config.imageCache == "/shared/cache/%u")
        #expect(config.imageCacheMax == 500 << 30)
        #expect(config.imageCacheUser && !config.imageCacheFallback)
        #expect(config.imageCacheCommand == "/opt/pyxis/pyxis-image-cache")
        let defaults = PluginConfig()
        #expect(defaults.imageCache == nil && defaults.imageCacheMax == 0 && !defaults.imageCacheUser && defaults.imageCacheFallback)
    }

    @Test func badPlugstackValuesNameTheValueAndWhatIsAllowed() {
        #expect(throws: PyxisError("plugstack argument image_cache='cache/%u': expected an absolute path without spaces or control characters")) {
            try PluginConfig(arguments: ["image_cache=cache/%u"])
        }
        #expect(throws: PyxisError("plugstack argument image_cache='/c/%x': unknown escape '%x' in the image cache path '/c/%x' (known: %u user name, %U uid, %% a percent sign)")) {
            try PluginConfig(arguments: ["image_cache=/c/%x"])
        }
        #expect(throws: PyxisError("image_cache_tag_ttl: invalid value: -5 (expected a number of seconds, e.g. 300; 0 asks the registry every time)")) {
            try PluginConfig(arguments: ["image_cache_tag_ttl=-5"])
        }
        #expect(throws: PyxisError("plugstack argument image_cache_max='10X': invalid size '10X': expected a number of bytes, optionally with K, M, G or T (powers of 1024), e.g. 500G")) {
            try PluginConfig(arguments: ["image_cache_max=10X"])
        }
    }

    @Test func expandsTheUserAndUid() throws {
        #expect(try ImageCachePath.expand("/c/%u/%U/100%%", userName: "alice", uid: 1001) == "/c/alice/1001/100%")
        #expect(throws: PyxisError("the image cache path '/c/%' ends in a lone '%'")) {
            try ImageCachePath.expand("/c/%", userName: "alice", uid: 1)
        }
    }

    @Test func theDirectoryOfAStep() throws {
        var config = PluginConfig()
        #expect(try ImageCachePath.directory(config: config, jobVariable: "/mine", userName: "alice", uid: 1) == nil)
        config.imageCache = "/c/%u"
        #expect(try ImageCachePath.directory(config: config, jobVariable: "/mine", userName: "alice", uid: 1) == "/c/alice")
        config.imageCacheUser = true
        #expect(try ImageCachePath.directory(config: config, jobVariable: "/mine", userName: "alice", uid: 1) == "/mine")
        #expect(try ImageCachePath.directory(config: config, jobVariable: "", userName: "alice", uid: 1) == "/c/alice")
        #expect(throws: PyxisError("PYXIS_IMAGE_CACHE: invalid value: '/a/../b' (expected an absolute path without '.' or '..' components or control characters)")) {
            try ImageCachePath.directory(config: config, jobVariable: "/a/../b", userName: "alice", uid: 1)
        }
        config.imageCacheUser = false
        #expect(throws: PyxisError.self) { try ImageCachePath.directory(config: config, jobVariable: nil, userName: "", uid: 1) }
        config.imageCache = "/c/%U"
        #expect(try ImageCachePath.directory(config: config, jobVariable: nil, userName: "", uid: 7) == "/c/7")
    }
}
