using System.Linq;
using System.Reflection;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Generator.Tests;

public class ReservedNamesTests
{
    /// <summary>A stage named after any member the model already has would make the generated code fail to compile.</summary>
    [Fact]
    public void EveryMemberOfAGeneratedModelIsReservedForStageNames()
    {
        var stageProperties = new[] { nameof(TinyMultistage.NearData), nameof(TinyMultistage.Middle), nameof(TinyMultistage.NearNoise) };
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        var visible = typeof(TinyMultistage).GetMembers(all)
            .Where(m => m is not MethodBase { IsPrivate: true } and not FieldInfo { IsPrivate: true } and not PropertyInfo { GetMethod.IsPrivate: true })
            .Select(m => m.Name)
            .Where(n => n.Length > 0 && char.IsUpper(n[0]) && !stageProperties.Contains(n))
            .Distinct();
        // Nested types are not inherited members to reflection, but inside the class their names bind as members' do.
        var nested = new System.Collections.Generic.List<string>();
        for (var type = typeof(TinyMultistage).BaseType; type is not null; type = type.BaseType)
            nested.AddRange(type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic)
                                .Where(t => !t.IsNestedPrivate && !t.IsNestedAssembly).Select(t => t.Name.Split('`')[0]));
        var unreserved = visible.Concat(nested).Where(n => n.Length > 0 && char.IsUpper(n[0])).Distinct()
            .Where(name => !GeneratedMembers.IsReserved(name, nameof(TinyMultistage))).ToList();
        Assert.True(unreserved.Count == 0, "not reserved: " + string.Join(", ", unreserved));
    }
}
