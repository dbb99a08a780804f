import PyxisCore
