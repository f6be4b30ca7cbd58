using Xunit;
using Xunit.Abstractions;

namespace Protocol.TestSupport;

/// <summary>
/// Marks a test class or collection definition whose tests take much longer than the others (minutes of processes in
/// a row): <see cref="StartEarlyFirst"/> starts it before the rest, so that the short ones fill the other threads
/// beside it instead of leaving it to run alone at the end.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StartEarlyAttribute : Attribute;

/// <summary>
/// xunit's collection order for an assembly that runs collections in parallel (register with
/// <c>[assembly: TestCollectionOrderer(StartEarlyFirst.Name, StartEarlyFirst.Assembly)]</c>): the collections marked
/// <see cref="StartEarlyAttribute"/> first, the others after them in xunit's own order. The longest-first rule of
/// scheduling: a node project's guide walkthrough (two and a half minutes alone) started last had run its final
/// minute and a half with nothing beside it.
/// </summary>
public sealed class StartEarlyFirst : ITestCollectionOrderer
{
    public const string Name = "Protocol.TestSupport.StartEarlyFirst", Assembly = "Protocol.TestSupport";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => Early(c) ? 0 : 1); // a stable sort: xunit's order within each group

    // A named collection carries the mark on its definition; a class's own collection ("Test collection for T") on T.
    private static bool Early(ITestCollection collection)
    {
        const string ForClass = "Test collection for ";
        var type = collection.CollectionDefinition
            ?? (collection.DisplayName.StartsWith(ForClass, StringComparison.Ordinal) ? collection.TestAssembly.Assembly.GetType(collection.DisplayName[ForClass.Length..]) : null);
        return type?.GetCustomAttributes(typeof(StartEarlyAttribute).AssemblyQualifiedName).Any() == true;
    }
}
