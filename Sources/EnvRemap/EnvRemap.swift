// Placeholder: environment remapping rules land here (issue "Hooks toolkit and EnvRemap").
