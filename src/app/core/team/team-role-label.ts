import { TeamRole } from './team-types';

/** The role's name as people read it. */
export function teamRoleLabel(role: TeamRole | null): string {
  switch (role) {
    case 'viewer':
      return $localize`:Team role that may look only@@kpc.team.role.viewer:Viewer`;
    case 'support':
      return $localize`:Team role that may also send test pushes and monitor@@kpc.team.role.support:Support`;
    case 'operator':
      return $localize`:Team role that may also install, uninstall and change topics@@kpc.team.role.operator:Operator`;
    case 'admin':
      return $localize`:Team role that may do everything on the app@@kpc.team.role.admin:Admin`;
    case null:
      return $localize`:Shown when the person has no role on the app@@kpc.team.role.none:No role`;
  }
}
