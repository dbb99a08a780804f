// spank_pyxis(8), written from the option catalog (OptionID) and the plugstack keys
// (PluginConfig.keys), so that the manual cannot drift from what the plugin accepts: an option
// without a description does not compile (the switch is exhaustive), a plugstack key without
// one stops the build (`describe(key:)`).
import PyxisCore

enum ManualPage {
    /// The page in roff, dated DATE (YYYY-MM-DD).
    static func render(date: String) throws(MissingDescription) -> String {
        var page = """
        .TH SPANK_PYXIS 8 "\(date)" "swift-pyxis" "Slurm plugins"
        .SH NAME
        spank_pyxis \\- run Slurm tasks in enroot containers (a drop-in for NVIDIA's pyxis)
        .SH SYNOPSIS
        In \\fBplugstack.conf\\fR(5):
        .PP
        .B required /usr/lib/slurm/spank_pyxis.so
        .RI [ key = value " ...]"
        .PP
        .B srun
        .RB [ \\-\\-container\\-image =\\fIIMAGE\\fR]
        .RB [ \\-\\-container\\-name =\\fINAME\\fR]
        .RI [ option " ...] " command
        .SH DESCRIPTION
        A Slurm SPANK plugin that runs each task of a step in an unprivileged enroot container.
        It registers the options below in \\fBsrun\\fR(1), and in \\fBsbatch\\fR(1) and
        \\fBsalloc\\fR(1) unless \\fBsbatch_support=0\\fR (then \\fB#SBATCH\\fR lines work too; \\fB#\\fR starts a
        comment there, so write \\fBnvcr.io\\e#nvidia/pytorch\\fR).
        Without \\fB\\-\\-container\\-image\\fR and \\fB\\-\\-container\\-name\\fR a step runs on the host, and
        the plugin says which container options it ignores.
        .SH OPTIONS
        Each option's default comes from its \\fBPYXIS_*\\fR variable when the option is not given
        (see ENVIRONMENT).

        """
        for option in OptionID.allCases {
            page += ".TP\n\\fB\(roff(option.flag))\\fR"
            if let argument = option.argInfo { page += "=\\fI\(roff(argument))\\fR" }
            page += "\n\(roff(details(option)))\n"
        }
        page += """
        .SH PLUGSTACK ARGUMENTS
        Every argument is \\fIkey\\fR=\\fIvalue\\fR. An unknown key, an argument without \\fB=\\fR, a key given
        twice with different values, or a bad value stops the plugin from loading: every \\fBsrun\\fR,
        \\fBsbatch\\fR and \\fBsalloc\\fR then fails, saying why, rather than running with a setting the
        administrator did not mean.

        """
        for key in PluginConfig.keys {
            let (value, meaning) = try describe(key: key)
            page += ".TP\n\\fB\(roff(key))\\fR=\\fI\(roff(value))\\fR\n\(roff(meaning))\n"
        }
        page += """
        .SH ENVIRONMENT
        A \\fBPYXIS_*\\fR variable is read only when its option was not given: in \\fBsrun\\fR and \\fBsbatch\\fR
        from the process environment, in \\fBslurmstepd\\fR from the job's. An empty variable counts as
        unset. Boolean variables accept 1, true, yes, y, 0, false, no and n; anything else is an error
        naming the variable.

        """
        var seen: Set<String> = []
        for option in OptionID.allCases where seen.insert(option.environmentVariable).inserted {
            page += ".TP\n.B \(option.environmentVariable)\nthe default of \\fB\(roff(option.flag))\\fR\n"
        }
        page += """
        .SH DIAGNOSTICS
        Every error is one line starting with \\fBpyxis:\\fR that names the option or variable, the bad
        value and what is allowed; \\fBsrun\\fR and \\fBsbatch\\fR exit non-zero and nothing starts.
        \\fBsrun \\-v\\fR adds what the plugin does on each node and how long each enroot command takes.
        .SH EXAMPLES
        .nf
        srun \\-\\-container\\-image=ubuntu:24.04 grep PRETTY /etc/os\\-release
        srun \\-N2 \\-\\-container\\-image=nvcr.io#nvidia/pytorch:24.01\\-py3 \\-\\-container\\-mounts=/scratch:/data python train.py
        srun \\-\\-container\\-dry\\-run \\-\\-container\\-image=ubuntu hostname
        .fi
        .SH SEE ALSO
        \\fBsrun\\fR(1), \\fBsbatch\\fR(1), \\fBenroot\\fR(1), \\fBpyxis\\-doctor\\fR(8), \\fBpyxis\\-image\\-cache\\fR(1)

        """
        return page
    }

    struct MissingDescription: Error, CustomStringConvertible {
        let key: String
        var description: String { "pyxis-option-table: the plugstack key \(key) has no description in ManualPage.swift" }
    }

    /// What the manual says of OPTION: more than the one line of `srun --help`.
    static func details(_ option: OptionID) -> String {
        switch option {
        case .image:
            "The image: a squashfs file when the value starts with / or .; docker:// and dockerd:// URIs pass through; anything else gets docker:// prefixed. Other schemes are rejected. A registry image is imported (or taken from the image cache), then the container is started from its squashfs file when it is temporary and read-only, else unpacked."
        case .mounts:
            "Bind mounts, separated by commas: SRC alone is SRC:SRC; flags are joined with + (ro+nosuid). SRC is a path, tmpfs or umount. Defaults: x-create=auto,rbind for paths, x-create=dir for tmpfs, x-detach for umount, then the user's flags. A source that does not exist on the node is an error naming it."
        case .workdir:
            "The working directory inside the container."
        case .name:
            "Keep the container under this name, and use it again in later steps of the job (or of any job, with container_scope=global). FLAG: auto (the default: use the container if it exists, attaching to it while a step runs it, else create it), create (fail if it exists), exec (fail unless a step runs it; attach to it), no_exec (never attach: start a new process on its filesystem). Names with /, spaces or control characters, or longer than 238 bytes, are rejected."
        case .save:
            "Export the container to this squashfs file after the step, through a temporary file renamed into place only when complete. A trailing / is an error."
        case .mountHome:
            "Bind-mount the user's home directory (ENROOT_MOUNT_HOME)."
        case .noMountHome:
            "Do not bind-mount the user's home directory."
        case .remapRoot:
            "Appear as uid 0 inside the container (ENROOT_REMAP_ROOT). It grants no privilege on the host."
        case .noRemapRoot:
            "Do not remap to root inside the container."
        case .entrypoint:
            "Run the image's entrypoint (the default is the plugstack argument execute_entrypoint)."
        case .noEntrypoint:
            "Do not run the image's entrypoint."
        case .entrypointLog:
            "Print the output of the entrypoint."
        case .writable:
            "Make the container's root filesystem writable (then it is unpacked rather than started from its squashfs file)."
        case .readonly:
            "Make the container's root filesystem read-only."
        case .env:
            "Host variables that override the image's values and are set before the entrypoint runs; other host variables are set after it, and the image's values win."
        case .unshare:
            "New namespaces for the container: any of net, ipc and uts (it needs an enroot newer than 4.1.2)."
        case .dryRun:
            "Say what the step would do on each node (the options and where each came from, the image, how the container is made, the commands, the start configuration, the hooks) and run nothing."
        }
    }

    /// The default and meaning of a plugstack KEY.
    static func describe(key: String) throws(MissingDescription) -> (String, String) {
        switch key {
        case "runtime_path":
            ("/run/pyxis", "The per-node directory of the plugin's files (absolute, no . or .. component). slurmd creates its last component (0755) when it starts, and refuses a symbolic link there.")
        case "execute_entrypoint":
            ("0", "The default of --container-entrypoint.")
        case "container_scope":
            ("global", "job: named containers are private to the job (pyxis_JOBID_NAME) and removed by the job epilog; global: pyxis_NAME, kept until removed.")
        case "sbatch_support":
            ("1", "Register the options in sbatch and salloc; the batch script then runs in the container.")
        case "use_enroot_load":
            ("0", "Use enroot load instead of enroot import and enroot create.")
        case "importer":
            ("PATH", "An executable used instead of enroot import: importer get URI prints a squashfs file, importer release frees it.")
        case "use_squashfuse":
            ("auto", "Start temporary containers straight from their squashfs file: auto only read-only ones and only when the node can (a usable /dev/fuse, squashfuse, and fuse-overlayfs unless enroot uses the kernel's overlayfs); 1 always; 0 never.")
        case "image_cache":
            ("PATTERN", "The image cache: each user's directory, an absolute path with %u (user name) and %U (uid), e.g. /shared/pyxis-cache/%u. A registry image is imported once, under its digest, and every later step on every node that sees the directory starts from that file.")
        case "image_cache_max":
            ("0", "The cache's size limit: bytes, or with K, M, G or T; the least recently used images go after each import, never one a running step uses (0: no limit).")
        case "image_cache_user":
            ("0", "1: a job may name its own cache directory in PYXIS_IMAGE_CACHE.")
        case "image_cache_fallback":
            ("1", "A cache directory that cannot be used: 1 imports without it (with a message), 0 fails the step.")
        case "image_cache_command":
            ("PATH", "The pyxis-image-cache executable (default: the one installed beside the plugin).")
        case "image_cache_tag_ttl":
            ("0", "Seconds a tag's digest, once looked up, is trusted without asking the registry (0: ask every time).")
        default:
            throw MissingDescription(key: key)
        }
    }

    /// TEXT safe in roff: backslashes and dashes escaped, no line starting with . or '.
    static func roff(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\e"
            case "-": escaped += "\\-"
            default: escaped.append(character)
            }
        }
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
        return escaped
    }
}
