; Inno Setup 6.3+ script: a per-user installer for the PyInstaller bundle dist\casecell\
; (built on Windows by packaging\casecell.spec, see README.md beside this file).
;   iscc packaging\windows\casecell.iss   ->  dist\casecell-0.1.0-installation.exe
; No administrator rights: casecell goes to %LOCALAPPDATA%\Programs\casecell and the Start menu
; of the current user. Uninstalling never removes the vaults (%LOCALAPPDATA%\casecell).

#define AppName "casecell"
#define AppVersion "0.1.0"
#define Root ".."
#define Bundle "..\..\dist\casecell"

[Setup]
AppId={{6C1F4E2A-3B7D-4C59-9E0A-CA5ECE11F00D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Contributeurs de casecell
AppComments=Registre chiffré et hors ligne des cellules de cas complexes
PrivilegesRequired=lowest
DefaultDirName={autopf}\casecell
DisableProgramGroupPage=yes
DisableDirPage=yes
UninstallDisplayIcon={app}\casecellw.exe
SetupIconFile={#Root}\icons\casecell.ico
OutputDir=..\..\dist
OutputBaseFilename=casecell-{#AppVersion}-installation
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "Ajouter une icône sur le bureau"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Root}\icons\casecell.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\casecell"; Filename: "{app}\casecellw.exe"; IconFilename: "{app}\casecell.ico"; Comment: "Registre chiffré de la cellule de cas complexes"
Name: "{autodesktop}\casecell"; Filename: "{app}\casecellw.exe"; IconFilename: "{app}\casecell.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\casecellw.exe"; Description: "Lancer casecell"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there: the vaults and backups are elsewhere and stay.
Type: filesandordirs; Name: "{app}\_internal"
