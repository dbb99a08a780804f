// Placeholder: shared hook support (env/mount files, site config).
