/// Every text papaoursctl shows a person, in English and French, by id.
/// `{0}`, `{1}`… are filled in by `Localizer`. Protocol words (ids, codes,
/// attribute names, "Active"/"Inactive") are the same in both languages.
public enum Message: String, Sendable, CaseIterable {
    // Command line mistakes
    case unknownCommand, unknownSubcommand, unknownOption, unknownOptionFor, didYouMean
    case optionNeedsValue, optionTakesNoValue, optionRepeated, missingCommand, missingSubcommand
    case missingArgument, extraArgument, missingOption, conflictingOptions, nothingToChange
    case notANumber, optionsExclusive, badRights, notATime, noKeyOnInput, deleteNeedsYes, tryHelp
    // Reaching papaoursd
    case cannotReach, reachNoSocket, reachRefused, reachPermission, reachPathTooLong
    case connectionLost, timedOut, protocolError, badRequest
    // NO codes
    case noForbidden, noNotFound, noExists, noInvalid, noBusy, noUnavailable
    case noMalformedKey, noUnknownKey, noInactiveKey, noInactiveMachine, noExpiredKey, noOther, withDetail
    // Files and terminal
    case fileExists, fileCannotCreate, fileCannotRead, fileCannotWrite, secretLost, keyPrompt, confirmDelete, deleteCancelled
    // Backup, export, import
    case backupWritten, exportWritten, importDone, importNothingSent, importMoreProblems
    case importNotJSON, importNotObject, importNoType, importUnknownType, importUnknownField, importMissingField
    case importBadValue, importDuplicate, importAfterEnd, importNoEnd, importCountMismatch, keyImported
    // Results
    case secretWarning, secretWritten, machineCreated, machineUpdated, machineDeleted
    case keyUpdated, keyDisabled, keyEnabled, keyValid
    case noMachines, noKeys, noEvents, apiKeysHeading, never, none
    // Headers and labels
    case hID, hName, hDescription, hOrganization, hRoles, hStatus, hCreated, hCreatedBy, hUpdated, hKeys
    case hLabel, hExpires, hLastUsed, hUses, hMachine, hKey, hSeq, hTime, hUser, hAction, hTarget, hDetails
    case hServer, hSocket, hPermissions, hUptime, hConnections, hMachines, hVerifyOK, hVerifyDenied
    case hEvents, hAdded, hSkipped
    // Help
    case helpTool, helpUsage, helpCommands, helpArguments, helpOptions, helpGlobalOptions, helpMore, helpExit
    case sumMachine, sumKey, sumMachineCreate, sumMachineList, sumMachineShow, sumMachineEdit, sumMachineDelete
    case sumKeyCreate, sumKeyList, sumKeyShow, sumKeyEdit, sumKeyDisable, sumKeyEnable
    case sumVerify, sumAudit, sumStatus, sumHelp, sumKeyImport, sumBackup, sumExport, sumImport
    case argName, argMachine, argKey, argTopic, argBackupFile, argImportFile
    case optSocket, optJSON, optHelp, optVersion, optDescription, optOrganization, optRole, optNoRoles
    case optName, optActive, optInactive, optYes, optLabel, optExpires, optOutput, optKeyFile, optIP
    case optAuditMachine, optAfter, optBefore, optRequire, optLimit, optImportKeyFile, optExportOutput, optLang, optVerbose, argKeyLabel
    // Values checked before anything is sent
    case unknownLanguage, durationZero, durationTooLong, expiresInPast, textLength, textTooLong, controlCharacter
    case badRole, tooManyRoles, numberOutOfRange
    // Refusals, said from the command and its arguments
    case forbiddenCommand, permissionQuoted, and, permMachinesRead, permMachinesWrite, permKeysVerify, permAuditRead
    case machineNotFound, keyNotFound, labelNotFound, labelAmbiguous, machineExists, keyExists, importConflict
    case invalidValue, importKeyRefused, verboseHint, daemonSaid, statusNeedsRead, inactiveMachineWarning
    case malformedLength, malformedAlphabet, malformedChecksum, missingRight
    // Reaching papaoursd: what is at the socket path
    case mustBeWholeNumber, mustBeOnce, mustBeStrings, mustBeTimeOrNull, mustBeString, mustBeGiven, mustBeTime
    case mustBeMachineID, mustBeKeyID, mustBeHash, mustBeSeq, mustBeUID, mustBeAction, mustBeStatus
    case mustBeRights, mustBePerimeter, mustBeYesNo, mustBeDate, mustNotPrecede
    case sysPermission, sysNoEntry, sysIsDirectory, sysNotDirectory, sysNoSpace, sysReadOnly, sysExists, sysOther, reachSystem
    case importNameTaken, reachOwnerOnly, importKeyMalformed, reachNothing, reachNoDirectory, reachDirectory, reachFile, reachNotSocket, reachSearch
    // Status words and audit
    case dayLetter, hWrites, serverVersion, statusActive, statusInactive, statusExpired, hLastIP, change, changeSet
    // The fleet, in status
    case hFleet, fleetOff, fleetConnected, fleetDisconnected
    case actMachineCreate, actMachineEdit, actMachineDelete, actKeyCreate, actKeyEdit, actKeyImport, actDenied
    case actStoreImport, actStoreBackup, actStoreExport, actStoreRestore
    // Rights: roles, groups, perimeters (the guide's doc 02 and 03)
    case sumRole, sumRoleCreate, sumRoleList, sumRoleShow, sumRoleEdit, sumRoleDelete
    case sumGroup, sumGroupCreate, sumGroupList, sumGroupShow, sumGroupEdit, sumGroupDelete
    case argRoleName, argGroupName, argRoleRef, argGroupRef
    case optRight, optNoRights, optPerimeter, optProtected, optUnprotected, optGroup, optNoGroups, optGroupRole
    case optRoleName, optGroupNewName, optMachineProtected
    case roleCreated, roleUpdated, roleDeleted, groupCreated, groupUpdated, groupDeleted, noRoles, noGroups
    case hRights, hPerimeter, hGroups, hProtected, hRolesAndGroups, hRight, hOperation, hSource, hKind
    case opRead, opWrite, opDelete, opArchive, perimeterAll, kindRole, kindGroup, yes, no
    case sourceRole, sourceRoleInGroup, noRights, rightsHeading
    case roleNotFound, groupNotFound, roleExists, groupExists, roleHeld, groupHeld, forbiddenReach, permRightsAdmin
    case perimeterComma, badRoleName, hCreatedMasculine, hCreatedByMasculine, hUpdatedMasculine, sourceSeparator
    case actRoleCreate, actRoleEdit, actRoleDelete, actGroupCreate, actGroupEdit, actGroupDelete
    // Usage history, alerts, rotation
    case sumKeyUsage, sumKeyRotate, sumAlerts, optDays, optASCII, optGrace, optRotateLabel, optRotateOutput, optFollow
    case optAlertsAfter, optAlertsLimit, hDate, hAccepted, hRefused, hAddress, hFirstSeen, hLastSeen, hCalls, hAlertKind
    case addressesHeading, noAddresses, noAlerts, followingAlerts, keyRotated, badGrace, actKeyRotate
    case alertRevokedUse, alertNewIP, alertSpike, alertFailures, hReplacedBy
    // Usage history and alerts in an export
    case hUsageDays, hUsageAddresses, hAlerts
    // An alert's details, from its figures (AlertDetails)
    case alertSaysRevokedUse, alertSaysNewIP, alertSaysOthers, alertSaysSpike, alertSaysFailures, alertFromAddress, alertFromPeer

    public var text: (en: String, fr: String) {
        switch self {
        case .unknownCommand: ("unknown command '{0}'", "commande inconnue « {0} »")
        case .unknownSubcommand: ("unknown command '{0}' for '{1}'", "commande « {0} » inconnue pour « {1} »")
        case .unknownOption: ("unknown option '{0}'", "option inconnue « {0} »")
        case .unknownOptionFor: ("unknown option '{0}' for '{1}'", "option « {0} » inconnue pour « {1} »")
        case .didYouMean: ("; did you mean '{0}'?", " ; vouliez-vous dire « {0} » ?")
        case .optionNeedsValue: ("option '{0}' needs a value ({1})", "l'option « {0} » attend une valeur ({1})")
        case .optionTakesNoValue: ("option '{0}' takes no value", "l'option « {0} » ne prend pas de valeur")
        case .optionRepeated: ("option '{0}' is given more than once", "l'option « {0} » est donnée plusieurs fois")
        case .missingCommand: ("missing command", "commande manquante")
        case .missingSubcommand: ("'{0}' needs a command: {1}", "« {0} » attend une commande : {1}")
        case .missingArgument: ("missing argument {0} for '{1}'", "argument {0} manquant pour « {1} »")
        case .extraArgument: ("unexpected argument '{0}' for '{1}'", "argument inattendu « {0} » pour « {1} »")
        case .missingOption: ("option '{0}' is required for '{1}'", "l'option « {0} » est obligatoire pour « {1} »")
        case .conflictingOptions: ("options '{0}' and '{1}' cannot be used together", "les options « {0} » et « {1} » s'excluent")
        case .nothingToChange: ("nothing to change: give at least one of {0}", "rien à modifier : donnez au moins une option parmi {0}")
        case .notANumber: ("option '{0}' needs a whole number, not '{1}'", "l'option « {0} » attend un nombre entier, pas « {1} »")
        case .badRights: ("'{0}' is not a list of rights: use permission:operation, such as contrats:read,factures:write (operations: read, write, delete, archive)",
                          "« {0} » n'est pas une liste de droits : écrivez permission:opération, par exemple contrats:read,factures:write (opérations : read, write, delete, archive)")
        case .optionsExclusive: ("options '{0}' and '{1}' cannot be used together", "les options « {0} » et « {1} » ne vont pas ensemble")
        case .notATime:
            ("'{0}' is not a time: use 2027-01-31T00:00:00Z, 2027-01-31 or a duration such as 90d, 12h, 4w",
             "« {0} » n'est pas une date : utilisez 2027-01-31T00:00:00Z, 2027-01-31 ou une durée comme 90j, 12h, 4sem")
        case .noKeyOnInput: ("no API key on standard input", "aucune clé API sur l'entrée standard")
        case .deleteNeedsYes:
            ("standard input is not a terminal, so nothing can be confirmed: add --yes to delete",
             "l'entrée standard n'est pas un terminal, rien ne peut être confirmé : ajoutez --yes pour supprimer")
        case .tryHelp: ("try '{0} --help'", "essayez « {0} --help »")

        case .cannotReach: ("cannot reach papaoursd at {0}: {1}", "impossible de joindre papaoursd à {0} : {1}")
        case .reachNoSocket: ("no such socket — is papaoursd running?", "socket introuvable — papaoursd est-il lancé ?")
        case .reachRefused:
            ("the socket is there but nobody answers on it — papaoursd is not running (start it: systemctl start papaoursd.socket, or make run)",
             "le socket existe mais personne n'y répond — papaoursd n'est pas lancé (démarrez-le : systemctl start papaoursd.socket, ou make run)")
        case .reachPermission:
            ("permission denied on the socket file (group {0}, mode {1}): join the group {0} (as root: usermod -aG {0} {2}), then log in again",
             "permission refusée sur le fichier du socket (groupe {0}, mode {1}) : rejoignez le groupe {0} (en root : usermod -aG {0} {2}), puis reconnectez-vous")
        case .reachPathTooLong:
            ("the path is too long for a Unix socket (at most 107 bytes)", "le chemin est trop long pour un socket Unix (107 octets au plus)")
        case .connectionLost:
            ("the connection to papaoursd at {0} broke before its reply; the change may or may not have been made",
             "la connexion à papaoursd ({0}) a été coupée avant la réponse ; la modification a pu être faite ou non")
        case .timedOut: ("papaoursd at {0} did not answer in time", "papaoursd ({0}) n'a pas répondu à temps")
        case .protocolError:
            ("papaoursd sent a reply this papaoursctl does not understand; are both of the same version?",
             "papaoursd a envoyé une réponse que ce papaoursctl ne comprend pas ; sont-ils de la même version ?")
        case .badRequest:
            ("papaoursd did not understand the request of '{0}' ({1}); are papaoursctl and papaoursd of the same version?",
             "papaoursd n'a pas compris la requête de « {0} » ({1}) ; papaoursctl et papaoursd sont-ils de la même version ?")

        case .noForbidden: ("you are not allowed to do this", "vous n'avez pas le droit de faire cela")
        case .noNotFound: ("not found", "introuvable")
        case .noExists: ("already exists", "existe déjà")
        case .noInvalid: ("invalid value", "valeur invalide")
        case .noBusy: ("papaoursd is busy (too many connections); try again", "papaoursd est saturé (trop de connexions) ; réessayez")
        case .noUnavailable:
            ("papaoursd cannot save changes now (disk full or read-only)",
             "papaoursd ne peut pas enregistrer de modification pour l'instant (disque plein ou en lecture seule)")
        case .noMalformedKey: ("this is not a well-formed API key", "ceci n'est pas une clé API bien formée")
        case .noUnknownKey: ("unknown API key: no key of papaoursd has this value", "clé API inconnue : aucune clé de papaoursd n'a cette valeur")
        case .noInactiveKey: ("this API key is disabled", "cette clé API est désactivée")
        case .noInactiveMachine: ("the machine of this API key is disabled", "la machine de cette clé API est désactivée")
        case .noExpiredKey: ("this API key has expired", "cette clé API a expiré")
        case .noOther: ("papaoursd refused ({0})", "papaoursd a refusé ({0})")
        case .withDetail: ("{0}: {1}", "{0} : {1}")

        case .fileExists: ("refusing to overwrite {0}: the file exists", "refus d'écraser {0} : le fichier existe")
        case .fileCannotCreate: ("cannot create {0}: {1}", "impossible de créer {0} : {1}")
        case .fileCannotRead: ("cannot read {0}: {1}", "impossible de lire {0} : {1}")
        case .fileCannotWrite: ("cannot write {0}: {1}", "impossible d'écrire {0} : {1}")
        case .secretLost:
            ("could not write the secret to {0}: {1}; key {2} was created but its secret is lost: disable it with 'papaoursctl key disable {2}'",
             "impossible d'écrire le secret dans {0} : {1} ; la clé {2} a été créée mais son secret est perdu : désactivez-la avec « papaoursctl key disable {2} »")
        case .keyPrompt: ("API key: ", "Clé API : ")
        case .confirmDelete:
            ("Delete machine '{0}' ({1}) and its {2} API key(s)? This cannot be undone. [y/N] ",
             "Supprimer la machine « {0} » ({1}) et ses {2} clé(s) API ? C'est irréversible. [o/N] ")
        case .deleteCancelled: ("Nothing deleted.", "Rien n'a été supprimé.")

        case .backupWritten:
            ("Backup written to {0}: {1} bytes, {2} machine(s), {3} API key(s).",
             "Sauvegarde écrite dans {0} : {1} octets, {2} machine(s), {3} clé(s) API.")
        case .exportWritten:
            ("Exported {1} machine(s), {2} API key(s), {3} audit event(s), {4} day(s) and {5} address(es) of key usage and {6} alert(s) to {0}.",
             "{1} machine(s), {2} clé(s) API, {3} événement(s) d'audit, {4} jour(s) et {5} adresse(s) d'usage des clés et {6} alerte(s) exportés dans {0}.")
        case .importDone: ("Imported from {0}:", "Importé depuis {0} :")
        case .importNothingSent:
            ("nothing imported: {0} problem(s) in {1}", "rien n'a été importé : {0} problème(s) dans {1}")
        case .importMoreProblems: ("… and {0} more problem(s)", "… et {0} autre(s) problème(s)")
        case .importNotJSON: ("not valid JSON (column {0})", "JSON invalide (colonne {0})")
        case .importNotObject: ("not a JSON object", "pas un objet JSON")
        case .importNoType: ("no \"type\" member", "pas de membre « type »")
        case .importUnknownType:
            ("unknown type '{0}': machine, key, event or end expected", "type « {0} » inconnu : machine, key, event ou end attendu")
        case .importUnknownField: ("a {0} line has no member '{1}'", "une ligne {0} n'a pas de membre « {1} »")
        case .importMissingField: ("the {0} line lacks '{1}'", "il manque « {1} » à la ligne {0}")
        case .importBadValue: ("in a {0} line, {1}", "dans une ligne {0}, {1}")
        case .mustBeWholeNumber: ("{0} must be a whole number", "{0} doit être un nombre entier")
        case .mustBeOnce: ("{0} is given twice", "{0} est donné deux fois")
        case .mustBeStrings: ("{0} must be a list of strings", "{0} doit être une liste de chaînes")
        case .mustBeTimeOrNull: ("{0} must be a time or null", "{0} doit être une date ou null")
        case .mustBeString: ("{0} must be a string", "{0} doit être une chaîne")
        case .mustBeGiven: ("{0} is required", "{0} est obligatoire")
        case .mustBeTime: ("{0} must be an RFC 3339 time such as 2027-01-31T00:00:00Z", "{0} doit être une date RFC 3339 comme 2027-01-31T00:00:00Z")
        case .mustBeMachineID: ("{0} must be m_ and 16 of [a-z0-9]", "{0} doit être m_ suivi de 16 caractères parmi [a-z0-9]")
        case .mustBeKeyID: ("{0} must be k_ and 16 of [a-z0-9]", "{0} doit être k_ suivi de 16 caractères parmi [a-z0-9]")
        case .mustBeHash: ("{0} must be 64 hexadecimal digits (a SHA-256)", "{0} doit faire 64 chiffres hexadécimaux (un SHA-256)")
        case .mustBeSeq: ("{0} must be a sequence number from 1 up", "{0} doit être un numéro d'ordre à partir de 1")
        case .mustBeUID: ("{0} must be a uid", "{0} doit être un uid")
        case .mustBeAction: ("{0} must be one of {1}", "{0} doit être l'un de {1}")
        case .mustBeDate: ("{0} must be a day such as 2026-12-01, from 1970-01-01", "{0} doit être un jour comme 2026-12-01, à partir du 1970-01-01")
        case .mustNotPrecede: ("{0} must not be before {1}", "{0} ne doit pas précéder {1}")
        case .mustBeStatus: ("{0} must be active or inactive", "{0} doit être active ou inactive")
        case .mustBeRights: ("{0} must list rights such as contrats:read (read, write, delete or archive)",
                             "{0} doit lister des droits comme contrats:read (read, write, delete ou archive : lecture, écriture, suppression, archivage)")
        case .mustBePerimeter: ("{0} must be * or a list of organisations", "{0} doit être * ou une liste d'organisations")
        case .mustBeYesNo: ("{0} must be yes or no", "{0} doit être yes ou no")
        case .importDuplicate: ("{0} {1} appears twice (first on line {2})", "{0} {1} apparaît deux fois (d'abord ligne {2})")
        case .importAfterEnd: ("a line after the end line", "une ligne après la ligne de fin")
        case .importNoEnd:
            ("the end line is missing: the file is cut short", "la ligne de fin manque : le fichier est tronqué")
        case .importCountMismatch:
            ("the end line counts {0} but the file holds {1}: lines are missing or altered",
             "la ligne de fin compte {0} mais le fichier contient {1} : des lignes manquent ou ont été modifiées")
        case .keyImported:
            ("Key {0} ({1}) imported; only its hash is kept.", "Clé {0} ({1}) importée ; seule son empreinte est conservée.")
        case .secretWarning:
            ("This secret will never be shown again: store it now in a secret manager.",
             "Ce secret ne sera plus jamais affiché : rangez-le dès maintenant dans un gestionnaire de secrets.")
        case .secretWritten: ("Key {0} ({1}) created; its secret is in {2}.", "Clé {0} ({1}) créée ; son secret est dans {2}.")
        case .machineCreated: ("Machine created.", "Machine créée.")
        case .machineUpdated: ("Machine updated.", "Machine modifiée.")
        case .machineDeleted: ("Machine {0} and its API keys deleted.", "Machine {0} et ses clés API supprimées.")
        case .keyUpdated: ("Key updated.", "Clé modifiée.")
        case .keyDisabled: ("Key {0} disabled.", "Clé {0} désactivée.")
        case .keyEnabled: ("Key {0} enabled.", "Clé {0} réactivée.")
        case .keyValid: ("Valid key.", "Clé valide.")
        case .noMachines: ("No machine", "Aucune machine")
        case .noKeys: ("No API key associated with this machine", "Aucune clé API associée à cette machine")
        case .noEvents: ("No audit event", "Aucun événement d'audit")
        case .apiKeysHeading: ("API keys", "Clés API")
        case .never: ("Never", "Jamais")
        case .none: ("—", "—")

        case .hID: ("ID", "ID")
        case .hName: ("Name", "Nom")
        case .hDescription: ("Description", "Description")
        case .hOrganization: ("Organization", "Organisation de rattachement")
        case .hRoles: ("Roles", "Rôles")
        case .hStatus: ("Status", "Statut")
        case .hCreated: ("Created", "Créée le")
        case .hCreatedBy: ("Created by", "Créée par")
        case .hUpdated: ("Updated", "Modifiée le")
        case .hKeys: ("API keys", "Clés API")
        case .hLabel: ("Label", "Libellé")
        case .hExpires: ("Expires", "Expire le")
        case .hLastUsed: ("Last used", "Dernière utilisation")
        case .hUses: ("Uses", "Utilisations")
        case .hMachine: ("Machine", "Machine")
        case .hKey: ("Key", "Clé")
        case .hSeq: ("Seq", "N°")
        case .hTime: ("Time", "Date")
        case .hUser: ("User", "Utilisateur")
        case .hAction: ("Action", "Action")
        case .hTarget: ("Target", "Cible")
        case .hDetails: ("Details", "Détails")
        case .hServer: ("Server", "Serveur")
        case .hSocket: ("Socket", "Socket")
        case .hPermissions: ("Permissions", "Permissions")
        case .hUptime: ("Uptime", "En service depuis")
        case .hConnections: ("Connections", "Connexions")
        case .hMachines: ("Machines", "Machines")
        case .hVerifyOK: ("Keys accepted", "Clés acceptées")
        case .hVerifyDenied: ("Keys refused", "Clés refusées")
        case .hEvents: ("Audit events", "Événements d'audit")
        case .hUsageDays: ("Days of key usage", "Jours d'usage des clés")
        case .hUsageAddresses: ("Addresses of key usage", "Adresses d'usage des clés")
        case .hAlerts: ("Alerts", "Alertes")
        case .alertSaysRevokedUse:
            ("the key was presented and refused as {0} ({1} time(s) since the last count): someone still holds a key that was taken away",
             "la clé a été présentée et refusée ({0}) {1} fois depuis le dernier décompte : quelqu'un détient encore une clé qui a été retirée")
        case .alertSaysNewIP:
            ("the key (created {0}) was used from '{1}', never seen for it",
             "la clé (créée le {0}) a été utilisée depuis « {1} », jamais vue pour elle")
        case .alertSaysOthers: ("; {0} other new address(es) in the same count", " ; {0} autre(s) nouvelle(s) adresse(s) dans le même décompte")
        case .alertSaysSpike:
            ("{0} calls in the last hour, ten times above the key's hourly median over the last seven days ({1})",
             "{0} appels dans la dernière heure, dix fois plus que la médiane horaire de la clé sur les sept derniers jours ({1})")
        case .alertSaysFailures:
            ("{0} refusals of unknown or malformed keys within a minute from {1}",
             "{0} refus de clés inconnues ou mal formées en une minute depuis {1}")
        case .alertFromAddress: ("'{0}'", "« {0} »")
        case .alertFromPeer: ("peer uid {0}", "le pair d'uid {0}")
        case .hAdded: ("Added", "Ajoutés")
        case .hSkipped: ("Skipped (already present)", "Ignorés (déjà présents)")

        case .helpTool: ("Manage the machines and API keys of papaoursd.", "Gérer les machines et les clés API de papaoursd.")
        case .helpUsage: ("Usage:", "Utilisation :")
        case .helpCommands: ("Commands:", "Commandes :")
        case .helpArguments: ("Arguments:", "Arguments :")
        case .helpOptions: ("Options:", "Options :")
        case .helpGlobalOptions: ("Global options:", "Options communes :")
        case .helpMore: ("Run 'papaoursctl help COMMAND' for the details of a command.",
                         "Lancez « papaoursctl help COMMANDE » pour le détail d'une commande.")
        case .helpExit:
            ("Exit status: 0 done, 1 refused, 2 usage error, 3 papaoursd unreachable, 4 protocol or internal error.",
             "Code de sortie : 0 fait, 1 refusé, 2 erreur d'utilisation, 3 papaoursd injoignable, 4 erreur de protocole ou interne.")
        case .sumMachine: ("Manage machines (service accounts)", "Gérer les machines (comptes de service)")
        case .sumKey: ("Manage API keys", "Gérer les clés API")
        case .sumMachineCreate: ("Create a machine", "Créer une machine")
        case .sumMachineList: ("List the machines", "Lister les machines")
        case .sumMachineShow: ("Show a machine, its roles and groups, its access rights and its API keys",
                               "Afficher une machine, ses rôles et groupes, ses droits d'accès et ses clés API")
        case .sumMachineEdit: ("Change a machine", "Modifier une machine")
        case .sumMachineDelete: ("Delete a machine and all its API keys", "Supprimer une machine et toutes ses clés API")
        case .sumKeyCreate: ("Create an API key and print its secret, this once", "Créer une clé API et afficher son secret, une seule fois")
        case .sumKeyList: ("List the API keys of a machine", "Lister les clés API d'une machine")
        case .sumKeyShow: ("Show an API key", "Afficher une clé API")
        case .sumKeyEdit: ("Change the label or status of an API key", "Modifier le libellé ou le statut d'une clé API")
        case .sumKeyDisable: ("Disable an API key", "Désactiver une clé API")
        case .sumKeyEnable: ("Enable an API key again", "Réactiver une clé API")
        case .sumVerify: ("Check an API key read from standard input or a file", "Vérifier une clé API lue sur l'entrée standard ou dans un fichier")
        case .sumAudit: ("Show the audit journal", "Afficher le journal d'audit")
        case .sumStatus: ("Show the version and counters of papaoursd", "Afficher la version et les compteurs de papaoursd")
        case .sumHelp: ("Show the help of a command", "Afficher l'aide d'une commande")
        case .sumKeyImport:
            ("Import an API key issued elsewhere, read from standard input or a file",
             "Importer une clé API émise ailleurs, lue sur l'entrée standard ou dans un fichier")
        case .sumBackup:
            ("Copy the database into a new file (mode 0600) while papaoursd runs",
             "Copier la base dans un nouveau fichier (mode 0600) pendant que papaoursd tourne")
        case .sumExport:
            ("Export machines, key hashes and the audit journal as JSON Lines",
             "Exporter les machines, les empreintes des clés et le journal d'audit en JSON Lines")
        case .sumImport:
            ("Import a file made by export: all of it, or nothing",
             "Importer un fichier fait par export : tout, ou rien")
        case .argName: ("the machine's name, unique, 1 to 128 characters", "le nom de la machine, unique, de 1 à 128 caractères")
        case .argMachine: ("a machine id (m_…) or its exact name", "un identifiant de machine (m_…) ou son nom exact")
        case .argKey: ("a key id (k_…), or the key's machine when LABEL follows", "un identifiant de clé (k_…), ou la machine de la clé quand LABEL suit")
        case .argTopic: ("a command", "une commande")
        case .argBackupFile: ("the new backup file; an existing file is never overwritten",
                              "le nouveau fichier de sauvegarde ; un fichier existant n'est jamais écrasé")
        case .argImportFile: ("a file made by 'papaoursctl export', or - for standard input",
                              "un fichier fait par « papaoursctl export », ou - pour l'entrée standard")
        case .optSocket:
            ("papaoursd's socket (default: $PAPAOURS_SOCKET, else /run/papaours/papaoursd.sock)",
             "le socket de papaoursd (par défaut : $PAPAOURS_SOCKET, sinon /run/papaours/papaoursd.sock)")
        case .optJSON: ("print one JSON document", "afficher un document JSON")
        case .optHelp: ("show this help", "afficher cette aide")
        case .optVersion: ("print the version", "afficher la version")
        case .optDescription: ("free text, up to 1000 characters", "texte libre, 1000 caractères au plus")
        case .optOrganization: ("the owning organization, up to 128 characters", "l'organisation propriétaire, 128 caractères au plus")
        case .optRole: ("a role; repeat it for several", "un rôle ; à répéter pour en donner plusieurs")
        case .optNoRoles: ("remove every role", "retirer tous les rôles")
        case .optName: ("the new name", "le nouveau nom")
        case .optActive: ("make it active", "l'activer")
        case .optInactive: ("make it inactive", "la désactiver")
        case .optYes: ("delete without asking", "supprimer sans demander")
        case .optLabel: ("what the key is for, 1 to 100 characters", "à quoi sert la clé, de 1 à 100 caractères")
        case .optExpires:
            ("when the key expires: 2027-01-31T00:00:00Z, 2027-01-31 (UTC) or a duration from now such as 90d, 12h, 4w",
             "date d'expiration : 2027-01-31T00:00:00Z, 2027-01-31 (UTC) ou une durée à partir de maintenant comme 90j, 12h, 4sem")
        case .optOutput:
            ("write the secret to this new file (mode 0600) instead of standard output",
             "écrire le secret dans ce nouveau fichier (mode 0600) plutôt que sur la sortie standard")
        case .optKeyFile: ("read the key from the first line of this file", "lire la clé sur la première ligne de ce fichier")
        case .optIP: ("the caller's address, recorded with the use", "l'adresse de l'appelant, enregistrée avec l'utilisation")
        case .optAuditMachine: ("only the events of this machine", "seulement les événements de cette machine")
        case .optAfter: ("the oldest events after this sequence number (default: the newest events)",
                         "les plus anciens événements après ce numéro (par défaut : les plus récents)")
        case .optRequire: ("rights the key's machine must hold, such as contrats:read,factures:write",
                           "droits que la machine de la clé doit avoir, par exemple contrats:read,factures:write")
        case .optBefore: ("the newest events before this sequence number", "les plus récents événements avant ce numéro")
        case .optLimit: ("at most this many events", "au plus ce nombre d'événements")
        case .optImportKeyFile:
            ("read the key from the first line of this file instead of standard input",
             "lire la clé sur la première ligne de ce fichier plutôt que sur l'entrée standard")
        case .optExportOutput:
            ("write to this new file (mode 0600) instead of standard output",
             "écrire dans ce nouveau fichier (mode 0600) plutôt que sur la sortie standard")
        case .optLang: ("the language of every message: fr or en (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)",
                        "la langue de tous les messages : fr ou en (par défaut : selon LANGUAGE, LC_ALL, LC_MESSAGES, LANG)")
        case .optVerbose: ("also show papaoursd's own words when it refuses", "montrer aussi la réponse de papaoursd quand il refuse")
        case .argKeyLabel:
            ("the key's label, KEY being then its machine; unique among that machine's keys",
             "le libellé de la clé, KEY étant alors sa machine ; unique parmi les clés de cette machine")

        case .unknownLanguage: ("unknown language '{0}': fr or en", "langue inconnue « {0} » : fr ou en")
        case .durationZero:
            ("'{0}' leaves no time: a duration counts at least 1", "« {0} » ne laisse aucun délai : une durée compte au moins 1")
        case .durationTooLong: ("'{0}' is too far away: 1000 years at most", "« {0} » est trop loin : 1000 ans au plus")
        case .expiresInPast:
            ("'{0}' is in the past: a key must expire in the future", "« {0} » est dans le passé : une clé doit expirer dans le futur")
        case .textLength: ("{0} must be {1} to {2} characters long, not {3}", "{0} doit faire de {1} à {2} caractères, pas {3}")
        case .textTooLong: ("{0} must be at most {1} characters long, not {2}", "{0} doit faire {1} caractères au plus, pas {2}")
        case .controlCharacter: ("{0} must not hold control characters", "{0} ne doit pas contenir de caractère de contrôle")
        case .badRole:
            ("role '{0}' must be 1 to 64 letters, digits or . _ : -", "le rôle « {0} » doit faire de 1 à 64 lettres, chiffres ou . _ : -")
        case .tooManyRoles: ("{0} roles at most, not {1}", "{0} rôles au plus, pas {1}")
        case .numberOutOfRange:
            ("option '{0}' takes a whole number from {1} to {2}, not '{3}'",
             "l'option « {0} » attend un nombre entier de {1} à {2}, pas « {3} »")

        case .forbiddenCommand:
            ("you may not run '{0}': it needs the permission {1}, which {2} does not have; ask the administrator of papaoursd to grant it",
             "vous n'avez pas le droit d'utiliser « {0} » : il faut la permission {1}, que {2} n'a pas ; demandez-la à l'administrateur de papaoursd")
        case .permissionQuoted: ("“{0}” ({1})", "« {0} » ({1})")
        case .and: (" and ", " et ")
        case .permMachinesRead: ("Rights management / Machines / Read", "Gestion des droits / Machines / Lecture")
        case .permMachinesWrite: ("Rights management / Machines / Write", "Gestion des droits / Machines / Écriture")
        case .permKeysVerify: ("Rights management / API keys / Verify", "Gestion des droits / Clés API / Vérification")
        case .permAuditRead: ("Rights management / Audit / Read", "Gestion des droits / Audit / Lecture")
        case .machineNotFound:
            ("no machine '{0}': it is neither the id nor the name of a machine (see 'papaoursctl machine list')",
             "aucune machine « {0} » : ce n'est ni l'identifiant ni le nom d'une machine (voir « papaoursctl machine list »)")
        case .keyNotFound:
            ("no key '{0}': a key is named by its id (k_…), or by its machine and its label: 'papaoursctl {1} MACHINE LABEL'",
             "aucune clé « {0} » : une clé se désigne par son identifiant (k_…), ou par sa machine et son libellé : « papaoursctl {1} MACHINE LIBELLÉ »")
        case .labelNotFound:
            ("machine '{0}' has no key labelled '{1}' (see 'papaoursctl key list {0}')",
             "la machine « {0} » n'a aucune clé de libellé « {1} » (voir « papaoursctl key list {0} »)")
        case .labelAmbiguous:
            ("machine '{0}' has {2} keys labelled '{1}': name the one you mean by its id: {3}",
             "la machine « {0} » a {2} clés de libellé « {1} » : désignez celle que vous voulez par son identifiant : {3}")
        case .machineExists:
            ("a machine named '{0}' already exists (names are compared without regard to case)",
             "une machine nommée « {0} » existe déjà (les noms sont comparés sans tenir compte de la casse)")
        case .keyExists: ("this key is already registered: a key with the same value exists", "cette clé est déjà enregistrée : une clé de même valeur existe")
        case .importConflict:
            ("records of this file conflict with those here (a name or a key already taken); nothing was imported",
             "des enregistrements de ce fichier entrent en conflit avec ceux d'ici (un nom ou une clé déjà pris) ; rien n'a été importé")
        case .invalidValue: ("papaoursd refused a value given to '{0}'", "papaoursd a refusé une valeur donnée à « {0} »")
        case .importKeyRefused:
            ("papaoursd refused the key to import: it is too easy to guess; import only keys drawn at random",
             "papaoursd a refusé la clé à importer : elle est trop facile à deviner ; n'importez que des clés tirées au hasard")
        case .importNameTaken:
            ("machine {0} is named '{1}', a name that machine {2} already bears here",
             "la machine {0} s'appelle « {1} », un nom que porte déjà ici la machine {2}")
        case .importKeyMalformed: ("the key to import is not well-formed: {0}", "la clé à importer est mal formée : {0}")
        case .sysPermission: ("permission denied", "permission refusée")
        case .sysNoEntry: ("no such file or directory", "fichier ou répertoire introuvable")
        case .sysIsDirectory: ("it is a directory", "c'est un répertoire")
        case .sysNotDirectory: ("a part of the path is not a directory", "une partie du chemin n'est pas un répertoire")
        case .sysNoSpace: ("no space left on the disk", "plus de place sur le disque")
        case .sysReadOnly: ("the file system is read-only", "le système de fichiers est en lecture seule")
        case .sysExists: ("the file exists", "le fichier existe")
        case .sysOther: ("system error {0}", "erreur système {0}")
        case .reachSystem: ("the system refused the connection: {0}", "le système a refusé la connexion : {0}")
        case .reachOwnerOnly:
            ("permission denied on the socket file (owner {0}, mode {1}): only {0} may connect; the administrator opens it to a group with socket-group and socket-mode 0660 in papaoursd.conf",
             "permission refusée sur le fichier du socket (propriétaire {0}, mode {1}) : seul {0} peut s'y connecter ; l'administrateur l'ouvre à un groupe avec socket-group et socket-mode 0660 dans papaoursd.conf")
        case .verboseHint: (" (--verbose shows papaoursd's reason)", " (--verbose montre la raison donnée par papaoursd)")
        case .daemonSaid: ("papaoursd said: {0}", "réponse de papaoursd : {0}")
        case .statusNeedsRead:
            ("The counters need the permission {0}.", "Les compteurs demandent la permission {0}.")
        case .inactiveMachineWarning:
            ("warning: machine '{0}' is inactive, so this key is refused until the machine is enabled again (papaoursctl machine edit {1} --active)",
             "attention : la machine « {0} » est inactive, cette clé sera donc refusée tant que la machine ne sera pas réactivée (papaoursctl machine edit {1} --active)")
        case .malformedLength:
            ("wrong length: a papaours key has 43 characters (papa_ then 38), a key issued elsewhere 20 to 256",
             "longueur incorrecte : une clé papaours a 43 caractères (papa_ puis 38), une clé émise ailleurs de 20 à 256")
        case .malformedAlphabet:
            ("it holds a character no key may hold (a space, an accent, a control character…)",
             "elle contient un caractère qu'aucune clé ne peut contenir (une espace, un accent, un caractère de contrôle…)")
        case .malformedChecksum:
            ("its check digits do not match: a character is wrong, missing or swapped",
             "ses caractères de contrôle ne correspondent pas : un caractère est faux, manquant ou interverti")
        case .missingRight: ("this key's machine lacks a right that was required", "la machine de cette clé n'a pas un des droits exigés")

        case .reachNothing:
            ("nothing is there — is papaoursd running, and is this its socket? ('make run' uses ./run/papaoursd.sock, a packaged install /run/papaours/papaoursd.sock)",
             "rien n'existe à ce chemin — papaoursd est-il lancé, et est-ce bien son socket ? (« make run » utilise ./run/papaoursd.sock, une installation par paquet /run/papaours/papaoursd.sock)")
        case .reachNoDirectory: ("the directory {0} does not exist", "le répertoire {0} n'existe pas")
        case .reachDirectory:
            ("this is a directory, not a socket: give the socket's path, such as {0}/papaoursd.sock",
             "c'est un répertoire, pas un socket : donnez le chemin du socket, par exemple {0}/papaoursd.sock")
        case .reachFile: ("this is a regular file, not a socket", "c'est un fichier ordinaire, pas un socket")
        case .reachNotSocket: ("this is not a socket", "ce n'est pas un socket")
        case .reachSearch:
            ("permission denied: user {0} may not enter the directory {1}", "permission refusée : l'utilisateur {0} ne peut pas traverser le répertoire {1}")

        case .dayLetter: ("d", "j")
        case .serverVersion: ("{0} {1} (protocol {2})", "{0} {1} (protocole {2})")
        case .hWrites: ("Writes", "Écritures")
        case .hFleet: ("Fleet", "Flotte")
        case .fleetOff: ("none: this host keeps its keys alone", "aucune : cet hôte garde ses clés seul")
        case .fleetConnected:
            ("host {0}, connected to PostgreSQL, at change {1}, {2} ms behind",
             "hôte {0}, relié à PostgreSQL, au changement {1}, {2} ms de retard")
        case .fleetDisconnected:
            ("host {0}: PostgreSQL unreachable; verifying from the local copy (change {1}), writes refused",
             "hôte {0} : PostgreSQL injoignable ; vérifie sur la copie locale (changement {1}), écritures refusées")
        case .statusActive: ("Active", "Active")
        case .statusInactive: ("Inactive", "Inactive")
        case .statusExpired: ("Expired", "Expirée")
        case .hLastIP: ("Last address", "Dernière adresse")
        case .change: ("{0}: {1} → {2}", "{0} : {1} → {2}")
        case .changeSet: ("{0}: {1}", "{0} : {1}")
        case .actMachineCreate: ("machine created", "machine créée")
        case .actMachineEdit: ("machine changed", "machine modifiée")
        case .actMachineDelete: ("machine deleted", "machine supprimée")
        case .actKeyCreate: ("key created", "clé créée")
        case .actKeyEdit: ("key changed", "clé modifiée")
        case .actKeyImport: ("key imported", "clé importée")
        case .actDenied: ("refused", "refusé")
        case .actStoreImport: ("store imported", "base importée")
        case .actStoreBackup: ("backup made", "sauvegarde faite")
        case .actStoreExport: ("store exported", "base exportée")
        case .actStoreRestore: ("store restored", "base restaurée")
        case .sumRole: ("Manage roles: rights that apply in a perimeter of organisations",
                        "Gérer les rôles : des droits d'accès qui s'appliquent dans un périmètre d'organisations")
        case .sumRoleCreate: ("Create a role", "Créer un rôle")
        case .sumRoleList: ("List the roles", "Lister les rôles")
        case .sumRoleShow: ("Show a role, its rights and its perimeter", "Afficher un rôle, ses droits et son périmètre")
        case .sumRoleEdit: ("Change a role (every machine holding it gets the change at once)",
                            "Modifier un rôle (toutes les machines qui le portent en tiennent compte aussitôt)")
        case .sumRoleDelete: ("Delete a role no machine or group holds", "Supprimer un rôle qu'aucune machine ni aucun groupe ne porte")
        case .sumGroup: ("Manage groups: roles gathered, applying in a perimeter", "Gérer les groupes : des rôles rassemblés, dans un périmètre")
        case .sumGroupCreate: ("Create a group", "Créer un groupe")
        case .sumGroupList: ("List the groups", "Lister les groupes")
        case .sumGroupShow: ("Show a group, its roles and its perimeter", "Afficher un groupe, ses rôles et son périmètre")
        case .sumGroupEdit: ("Change a group", "Modifier un groupe")
        case .sumGroupDelete: ("Delete a group no machine holds", "Supprimer un groupe qu'aucune machine ne porte")
        case .argRoleName: ("the role's name: 1 to 64 letters, digits or . _ : -", "le nom du rôle : de 1 à 64 lettres, chiffres ou . _ : -")
        case .argGroupName: ("the group's name: 1 to 64 letters, digits or . _ : -", "le nom du groupe : de 1 à 64 lettres, chiffres ou . _ : -")
        case .argRoleRef: ("the role's name", "le nom du rôle")
        case .argGroupRef: ("the group's name", "le nom du groupe")
        case .optRight: ("a right the role gives, PERMISSION:OPERATION (operation: read, write, delete or archive); repeat it for several",
                         "un droit d'accès donné par le rôle, PERMISSION:OPÉRATION (opération : read, write, delete ou archive, soit lecture, écriture, suppression, archivage) ; à répéter")
        case .optNoRights: ("remove every right", "retirer tous les droits")
        case .optPerimeter: ("an organisation where it applies; repeat it for several; '*' for all organisations (the default)",
                             "une organisation où il s'applique ; à répéter ; « * » pour toutes les organisations (par défaut)")
        case .optProtected: ("administered by the platform: only rights.admin may change it", "administré par Papaours : seul rights.admin peut le modifier")
        case .optUnprotected: ("lift the protection", "lever la protection")
        case .optGroup: ("a group; repeat it for several", "un groupe ; à répéter pour en donner plusieurs")
        case .optNoGroups: ("remove every group", "retirer tous les groupes")
        case .optGroupRole: ("a role the group gathers; repeat it for several", "un rôle que le groupe rassemble ; à répéter")
        case .optRoleName: ("the role's new name", "le nouveau nom du rôle")
        case .optGroupNewName: ("the group's new name", "le nouveau nom du groupe")
        case .optMachineProtected: ("administered by the platform: only rights.admin may change it or its keys",
                                    "administrée par Papaours : seul rights.admin peut la modifier, elle ou ses clés")
        case .roleCreated: ("Role created.", "Rôle créé.")
        case .roleUpdated: ("Role updated.", "Rôle modifié.")
        case .roleDeleted: ("Role {0} deleted.", "Rôle {0} supprimé.")
        case .groupCreated: ("Group created.", "Groupe créé.")
        case .groupUpdated: ("Group updated.", "Groupe modifié.")
        case .groupDeleted: ("Group {0} deleted.", "Groupe {0} supprimé.")
        case .noRoles: ("No role", "Aucun rôle")
        case .noGroups: ("No group", "Aucun groupe")
        case .hRights: ("Access rights", "Droits d'accès")
        case .hPerimeter: ("Perimeter", "Périmètre")
        case .hGroups: ("Groups", "Groupes")
        case .hProtected: ("Administered by Papaours", "Administré par Papaours")
        case .hRolesAndGroups: ("Roles and groups", "Rôles et groupes")
        case .hRight: ("Right", "Droit")
        case .hOperation: ("Operation", "Opération")
        case .hSource: ("Comes from", "Provenance")
        case .hKind: ("Kind", "Type")
        case .opRead: ("read", "lecture")
        case .opWrite: ("write", "écriture")
        case .opDelete: ("delete", "suppression")
        case .opArchive: ("archive", "archivage")
        case .perimeterAll: ("all organisations (*)", "toutes les organisations (*)")
        case .kindRole: ("role", "rôle")
        case .kindGroup: ("group", "groupe")
        case .yes: ("yes", "oui")
        case .no: ("no", "non")
        case .sourceRole: ("role {0}", "rôle {0}")
        case .sourceRoleInGroup: ("role {0}, through group {1}", "rôle {0}, par le groupe {1}")
        case .noRights: ("No access right: no role or group of this machine applies to its organisation",
                         "Aucun droit d'accès : aucun rôle ni groupe de cette machine ne s'applique à son organisation de rattachement")
        case .rightsHeading: ("Access rights", "Droits d'accès")
        case .roleNotFound: ("no role '{0}' (see 'papaoursctl role list')", "aucun rôle « {0} » (voir « papaoursctl role list »)")
        case .groupNotFound: ("no group '{0}' (see 'papaoursctl group list')", "aucun groupe « {0} » (voir « papaoursctl group list »)")
        case .roleExists: ("a role named '{0}' already exists", "un rôle nommé « {0} » existe déjà")
        case .groupExists: ("a group named '{0}' already exists", "un groupe nommé « {0} » existe déjà")
        case .roleHeld: ("role '{0}' is still held by machines or groups: take it from them first (see 'papaoursctl role show {0}')",
                         "le rôle « {0} » est encore porté par des machines ou des groupes : retirez-le-leur d'abord (voir « papaoursctl role show {0} »)")
        case .groupHeld: ("group '{0}' is still held by machines: take it from them first (see 'papaoursctl group show {0}')",
                          "le groupe « {0} » est encore porté par des machines : retirez-le-leur d'abord (voir « papaoursctl group show {0} »)")
        case .forbiddenReach:
            ("papaoursd refused '{0}': what it touches is administered by Papaours (only {1} may change it), or is outside the organisations your grants cover",
             "papaoursd a refusé « {0} » : ce qu'elle touche est administré par Papaours (seule la permission {1} le permet), ou hors des organisations que couvrent vos permissions")
        case .permRightsAdmin: ("Rights management / Administration", "Gestion des droits / Administration")
        case .perimeterComma: ("--perimeter '{0}': an organisation in a perimeter cannot hold a comma",
                               "--perimeter « {0} » : une organisation d'un périmètre ne peut pas contenir de virgule")
        case .hCreatedMasculine: ("Created", "Créé le")
        case .hCreatedByMasculine: ("Created by", "Créé par")
        case .hUpdatedMasculine: ("Updated", "Modifié le")
        case .sourceSeparator: ("; ", " ; ")
        case .badRoleName: ("'{0}' must be 1 to 64 letters, digits or . _ : -", "« {0} » doit faire de 1 à 64 lettres, chiffres ou . _ : -")
        case .actRoleCreate: ("role created", "rôle créé")
        case .actRoleEdit: ("role changed", "rôle modifié")
        case .actRoleDelete: ("role deleted", "rôle supprimé")
        case .actGroupCreate: ("group created", "groupe créé")
        case .actGroupEdit: ("group changed", "groupe modifié")
        case .actGroupDelete: ("group deleted", "groupe supprimé")
        case .sumKeyUsage: ("Show a key's use: calls each day, and the addresses it was used from",
                            "Afficher l'historique d'utilisation d'une clé : appels par jour, et adresses IP d'où elle a été utilisée")
        case .sumKeyRotate: ("Renew a key in one step: a new key now, the old one refused after a grace period",
                             "Renouveler une clé en une étape : une nouvelle clé tout de suite, l'ancienne refusée après un délai de grâce")
        case .sumAlerts: ("Show the alerts on unusual use of the keys", "Afficher les alertes d'usage anormal des clés")
        case .optDays: ("this many days, today first (1 to 400, default 30)", "ce nombre de jours, aujourd'hui en premier (1 à 400, 30 par défaut)")
        case .optASCII: ("draw the chart in plain ASCII (always so when the output is not a terminal)",
                         "dessiner le graphique en ASCII simple (toujours le cas quand la sortie n'est pas un terminal)")
        case .optGrace: ("how long the old key still works: 90s, 15m, 24h, 7d (default 24h; 0s: refused at once)",
                         "combien de temps l'ancienne clé marche encore : 90s, 15m, 24h, 7d (24h par défaut ; 0s : refusée tout de suite)")
        case .optRotateLabel: ("the new key's label (default: the old key's)", "le nom de la nouvelle clé (par défaut : celui de l'ancienne)")
        case .optRotateOutput: ("write the new secret to this new file (mode 0600) instead of standard output",
                                "écrire le nouveau secret dans ce nouveau fichier (mode 0600) plutôt que sur la sortie standard")
        case .optFollow: ("keep showing new alerts as they come, until interrupted", "continuer d'afficher les nouvelles alertes à mesure, jusqu'à interruption")
        case .optAlertsAfter: ("the alerts after this sequence number", "les alertes après ce numéro")
        case .optAlertsLimit: ("at most this many alerts", "au plus ce nombre d'alertes")
        case .hDate: ("Date", "Date")
        case .hAccepted: ("Accepted", "Acceptés")
        case .hRefused: ("Refused", "Refusés")
        case .hAddress: ("IP address", "Adresse IP")
        case .hFirstSeen: ("First seen", "Vue la première fois")
        case .hLastSeen: ("Last seen", "Vue la dernière fois")
        case .hCalls: ("Calls", "Appels")
        case .hAlertKind: ("Alert", "Alerte")
        case .addressesHeading: ("Addresses, most recent first:", "Adresses IP, la plus récente en premier :")
        case .noAddresses: ("No address recorded (the services did not give ip=)", "Aucune adresse IP enregistrée (les services n'ont pas donné ip=)")
        case .noAlerts: ("No alert", "Aucune alerte")
        case .followingAlerts: ("Waiting for alerts (Ctrl-C to stop)…", "En attente d'alertes (Ctrl-C pour arrêter)…")
        case .keyRotated:
            ("Key {0} renewed as {1}: deploy the new key; the old one is refused from {2}.",
             "Clé {0} renouvelée par {1} : déployez la nouvelle clé ; l'ancienne sera refusée à partir du {2}.")
        case .badGrace: ("'{0}' is not a grace period: use 90s, 15m, 24h or 7d", "« {0} » n'est pas un délai de grâce : écrivez 90s, 15m, 24h ou 7d")
        case .actKeyRotate: ("key renewed", "clé renouvelée")
        case .alertRevokedUse: ("deactivated key still used", "clé désactivée encore utilisée")
        case .alertNewIP: ("unusual IP address", "adresse IP inhabituelle")
        case .alertSpike: ("sudden rise in calls", "augmentation soudaine du nombre d'appels")
        case .alertFailures: ("repeated authentication errors", "erreurs d'authentification répétées")
        case .hReplacedBy: ("Replaced by", "Remplacée par")
        }
    }
}
