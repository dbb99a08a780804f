// Placeholder: the libseccomp fake-success filter lands here (issue "SeccompFilter").
