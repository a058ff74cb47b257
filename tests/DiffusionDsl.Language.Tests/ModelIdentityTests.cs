using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Language.Tests;

/// <summary>The name and namespace the generator's stand-ins take from a file with errors, read from its text alone.</summary>
public class ModelIdentityTests
{
    [Theory]
    [InlineData("model Net {\n  namespace A.B\n  image 1x8x8 }", null, "Net", "A.B")]
    [InlineData("model Net { image 1x8x8 }", "Root.Ns", "Net", "Root.Ns")]       // the project's root namespace, as the binder
    [InlineData("model Net { namespace A; image", "Root", "Net", "A")]            // half typed
    [InlineData("// model Old\n# namespace X\nmodel Net {\n namespace Y // namespace Z\n", null, "Net", "Y")] // comments skipped
    [InlineData("model Net {", null, "Net", null)]                                 // the global namespace
    [InlineData("model Net { namespace A }", "not a namespace", "Net", "A")]
    [InlineData("model Net { }", "not a namespace", "Net", "not_a_namespace")] // as the SDK makes one of a project name with spaces
    [InlineData("model Net { }", "class", "Net", null)]
    public void ReadsTheModelsNameAndNamespace(string text, string? rootNamespace, string name, string? ns) =>
        Assert.Equal(new ModelIdentity(name, ns), ModelIdentity.Scan(text, rootNamespace));

    [Theory]
    [InlineData("")]
    [InlineData("model")]                                  // no name yet
    [InlineData("model {")]                                // a bracket, not a name
    [InlineData("model class { }")]                        // a C# keyword
    [InlineData("model Table { }")]                        // a member of the generated model
    [InlineData("model 3d { }")]
    [InlineData("model Modèle { }")]                       // read whole, as the grammar reads names, and refused whole
    [InlineData("model Net { namespace }")]                // a namespace statement without a usable name
    [InlineData("model Net { namespace A..B }")]
    [InlineData("model Net { namespace int.B }")]
    [InlineData("model System { image 1x8x8 }")]           // would hide global::System: the binder refuses it too
    [InlineData("// model Net {")]
    public void GivesNothingWhereTheBinderWouldRefuseTheName(string text) =>
        Assert.Null(ModelIdentity.Scan(text, null));
}
