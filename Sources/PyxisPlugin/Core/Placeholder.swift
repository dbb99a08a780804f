public enum PyxisCorePlaceholder {}
