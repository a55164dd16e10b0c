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
        using var module = ModuleDefinition.ReadModule(typeof(TsvLiveOptions).Assembly.Location);
        var edges = new Dictionary<(string, string), string>();
        foreach (var type in module.GetTypes())
        {
            var outer = Outermost(type);
            if (outer.Namespace.Length == 0 || !IsApp(outer.Namespace) || outer.FullName == "TsvLive.Program")
            {
                continue;
            }
            foreach (var used in Uses(type))
            {
                if (used.Module != module && used.Scope?.Name != module.Name && used.Scope is not ModuleDefinition)
                {
                    continue;
                }
                var target = Outermost(used);
                if (target.Namespace.Length == 0 || !IsApp(target.Namespace) || target.Namespace == outer.Namespace)
                {
                    continue;
                }
                edges.TryAdd((outer.Namespace, target.Namespace), $"{outer.Name} uses {target.Name}");
            }
        }
        return edges;
    }

    /// <summary>Each folder's uses of types outside the app whose namespace starts with <paramref name="prefix"/>, one example each.</summary>
    public static IReadOnlyList<(string From, string Example)> ExternalUses(string prefix)
    {
        using var module = ModuleDefinition.ReadModule(typeof(TsvLiveOptions).Assembly.Location);
        var found = new Dictionary<string, string>();
        foreach (var type in module.GetTypes())
        {
            var outer = Outermost(type);
            if (outer.Namespace.Length == 0 || !IsApp(outer.Namespace))
            {
                continue;
            }
            foreach (var used in Uses(type))
            {
                var target = Outermost(used);
                if (target.Namespace.StartsWith(prefix, StringComparison.Ordinal))
                {
                    found.TryAdd($"{outer.Namespace}|{outer.Name} uses {target.FullName}", "");
                }
            }
        }
        return [.. found.Keys.Select(k => k.Split('|')).Select(p => (p[0], p[1]))];
    }

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
