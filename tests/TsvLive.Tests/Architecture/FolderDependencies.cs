using Mono.Cecil;

namespace TsvLive.Tests.Architecture;

/// <summary>
/// Which folders of the app use which, read from its compiled code (Mono.Cecil): every type a type
/// names in its base types, fields, properties, signatures, attributes and method bodies. A folder is
/// a namespace (src/TsvLive/Tables/Views is TsvLive.Tables.Views); compiler-made types count as the
/// type they were made for. <c>Program</c> (the composition root, which wires every folder) is left out.
/// </summary>
internal static class FolderDependencies
{
    private const string App = "TsvLive";

    /// <summary>Each folder's uses of other folders, with one example type pair per edge.</summary>
    public static IReadOnlyDictionary<(string From, string To), string> Read()
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var (from, to) in s_uses.Value)
        {
            if (IsApp(to.Namespace) && to.Namespace != from.Namespace && from.FullName != "TsvLive.Program")
            {
                edges.TryAdd((from.Namespace, to.Namespace), $"{from.Name} uses {to.Name}");
            }
        }
        return edges;
    }

    /// <summary>Each folder's uses of types outside the app whose namespace starts with <paramref name="prefix"/>, one example each.</summary>
    public static IReadOnlyList<(string From, string Example)> ExternalUses(string prefix) =>
        [.. s_uses.Value
            .Where(use => use.To.Namespace.StartsWith(prefix, StringComparison.Ordinal))
            .Select(use => (use.From.Namespace, $"{use.From.Name} uses {use.To.FullName}"))
            .Distinct()];

    /// <summary>Every (type of the app, type it uses) pair, each type taken as its outermost type; read once.</summary>
    private static readonly Lazy<List<(TypeReference From, TypeReference To)>> s_uses = new(() =>
    {
        using var module = ModuleDefinition.ReadModule(typeof(TsvLiveOptions).Assembly.Location);
        var uses = new List<(TypeReference, TypeReference)>();
        foreach (var type in module.GetTypes())
        {
            var outer = Outermost(type);
            if (IsApp(outer.Namespace))
            {
                uses.AddRange(Uses(type).Select(used => (outer, Outermost(used))));
            }
        }
        return uses;
    });

    private static bool IsApp(string ns) => ns == App || ns.StartsWith(App + ".", StringComparison.Ordinal);

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is { } declaring)
        {
            type = declaring;
        }
        return type;
    }

    private static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                    return;
                case GenericInstanceType generic:
                    Add(generic.ElementType);
                    foreach (var argument in generic.GenericArguments)
                    {
                        Add(argument);
                    }
                    return;
                case TypeSpecification spec:
                    Add(spec.ElementType);
                    return;
                case GenericParameter:
                    return;
                default:
                    found.Add(t);
                    return;
            }
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (var p in m.Parameters)
            {
                Add(p.ParameterType);
            }
            if (m is GenericInstanceMethod g)
            {
                foreach (var a in g.GenericArguments)
                {
                    Add(a);
                }
            }
        }
        void AddAttributes(ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                Add(attribute.AttributeType);
                foreach (var argument in attribute.ConstructorArguments)
                {
                    Add(argument.Value as TypeReference);
                }
            }
        }
        Add(type.BaseType);
        AddAttributes(type);
        foreach (var i in type.Interfaces)
        {
            Add(i.InterfaceType);
        }
        foreach (var field in type.Fields)
        {
            Add(field.FieldType);
            AddAttributes(field);
        }
        foreach (var property in type.Properties)
        {
            Add(property.PropertyType);
        }
        foreach (var method in type.Methods)
        {
            AddMethod(method);
            AddAttributes(method);
            if (!method.HasBody)
            {
                continue;
            }
            foreach (var local in method.Body.Variables)
            {
                Add(local.VariableType);
            }
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference m:
                        AddMethod(m);
                        break;
                    case FieldReference f:
                        Add(f.DeclaringType);
                        Add(f.FieldType);
                        break;
                }
            }
        }
        return found;
    }
}
