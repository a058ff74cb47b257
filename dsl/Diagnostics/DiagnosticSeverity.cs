namespace DiffusionDsl.Language.Diagnostics;

public enum DiagnosticSeverity { Info, Warning, Error }
