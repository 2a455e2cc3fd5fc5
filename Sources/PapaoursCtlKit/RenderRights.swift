import PapaoursClient
import PapaoursCore

/// Roles, groups and a machine's access rights, as a person reads them.
extension Render {
    func yesNo(_ flag: Bool) -> String { text(flag ? .yes : .no) }

    func perimeter(_ organizations: [String]) -> String {
        organizations == ["*"] || organizations.isEmpty ? text(.perimeterAll) : organizations.joined(separator: ", ")
    }

    /// `contrats:read` → `contrats: lecture`, in the guide's words for the operation.
    func right(_ right: Right) -> (permission: String, operation: String) {
        let words: [Right.Operation: Message] = [.read: .opRead, .write: .opWrite, .delete: .opDelete, .archive: .opArchive]
        return (right.permission, text(words[right.operation]!))
    }

    func roleDetails(_ role: Role) -> Table {
        details([
            (.hName, Cell(role.name)),
            (.hDescription, Cell(orNone(role.description))),
            (.hRights, Cell(list(role.rights))),
            (.hPerimeter, Cell(perimeter(role.perimeter))),
            (.hProtected, Cell(yesNo(role.protected))),
            (.hMachines, Cell(String(role.machines))),
            (.hCreatedMasculine, Cell(role.created.description)),
            (.hCreatedByMasculine, Cell(role.createdBy)),
            (.hUpdatedMasculine, Cell(role.updated.description)),
        ])
    }

    func groupDetails(_ group: Group) -> Table {
        details([
            (.hName, Cell(group.name)),
            (.hDescription, Cell(orNone(group.description))),
            (.hRoles, Cell(list(group.roles))),
            (.hPerimeter, Cell(perimeter(group.perimeter))),
            (.hProtected, Cell(yesNo(group.protected))),
            (.hMachines, Cell(String(group.machines))),
            (.hCreatedMasculine, Cell(group.created.description)),
            (.hCreatedByMasculine, Cell(group.createdBy)),
            (.hUpdatedMasculine, Cell(group.updated.description)),
        ])
    }

    func roleTable(_ roles: [Role]) -> Table {
        Table(header: [text(.hName), text(.hRights), text(.hPerimeter), text(.hProtected), text(.hMachines)],
              rows: roles.map { [Cell($0.name), Cell(list($0.rights)), Cell(perimeter($0.perimeter)), Cell(yesNo($0.protected)),
                                 Cell(String($0.machines))] })
    }

    func groupTable(_ groups: [Group]) -> Table {
        Table(header: [text(.hName), text(.hRoles), text(.hPerimeter), text(.hProtected), text(.hMachines)],
              rows: groups.map { [Cell($0.name), Cell(list($0.roles)), Cell(perimeter($0.perimeter)), Cell(yesNo($0.protected)),
                                  Cell(String($0.machines))] })
    }

    /// « Rôles et groupes »: what the machine holds, each with its perimeter and whether it
    /// applies to the machine's organisation.
    func rolesAndGroups(of machine: Machine, roles: [String: Role], groups: [String: Group]) -> Table {
        var rows: [[Cell]] = []
        func row(_ kind: Message, _ name: String, _ perimeter: [String]?, _ applies: Bool) {
            let where_ = perimeter.map { self.perimeter($0) } ?? text(.none)
            rows.append([Cell(text(kind)), Cell(name), Cell(where_), applies ? Cell("✓") : Cell("✗", style: .red)])
        }
        for name in machine.roles {
            let role = roles[name]
            row(.kindRole, name, role?.perimeter, role.map { $0.record.perimeter.contains(machine.organization) } ?? false)
        }
        for name in machine.groups {
            let group = groups[name]
            row(.kindGroup, name, group?.perimeter, group.map { $0.record.perimeter.contains(machine.organization) } ?? false)
        }
        return Table(header: [text(.hKind), text(.hName), text(.hPerimeter), ""], rows: rows)
    }

    /// « Droits d'accès »: each effective right, its operation in words, and where it comes from.
    func rightsTable(of machine: Machine, roles: [String: Role], groups: [String: Group]) -> Table? {
        let found = EffectiveRights.sources(organization: machine.organization, roles: machine.roles, groups: machine.groups,
                                            role: { roles[$0]?.record }, group: { groups[$0]?.record })
        guard !found.isEmpty else { return nil }
        return Table(header: [text(.hRight), text(.hOperation), text(.hSource)], rows: found.map { right, sources in
            let (permission, operation) = self.right(right)
            let from = sources.map { source in
                source.group.map { text(.sourceRoleInGroup, source.role, $0) } ?? text(.sourceRole, source.role)
            }.joined(separator: text(.sourceSeparator))
            return [Cell(permission), Cell(operation), Cell(from)]
        })
    }
}
