/*
 * A fast, conservative reading of the plugstack line in C, so that the front can leave the Swift
 * core unloaded in srun, sbatch and salloc when the step asks for no container
 * (docs/design.md, "The front"). The Swift `PluginConfig` stays the one judge: this accepts a
 * subset of what it accepts (PlugstackCheckTests compares the two on many lines), and for
 * anything else answers "unsure", and the front loads the core, which decides and explains.
 */
#ifndef PYXIS_PLUGSTACK_CHECK_H
#define PYXIS_PLUGSTACK_CHECK_H

/* 1: every argument is one PluginConfig accepts. 0: unsure (maybe bad, maybe only unusual). */
int pyxis_plugstack_surely_valid(int argc, char *const argv[]);

/* The value of sbatch_support on a line PluginConfig accepted (its default: 1). */
int pyxis_plugstack_sbatch_support(int argc, char *const argv[]);

#endif
