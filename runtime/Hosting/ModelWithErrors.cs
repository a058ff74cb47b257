using System;

namespace DiffusionDsl.Runtime.Hosting;

/// <summary>
/// What the stand-in types generated for an .msd with errors throw. Their errors fail the build, so this runs only
/// if something compiled past them; it then says which file to fix instead of failing somewhere deeper.
/// </summary>
public static class ModelWithErrors
{
    public static InvalidOperationException Exception(string sourceFile) =>
        new($"{sourceFile} has errors, so DiffusionDsl generated no model from it; fix the MSD errors its build reports.");
}
