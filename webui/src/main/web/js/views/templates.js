// Starting points for new workflows, after the spec's examples. The commands are harmless
// stand-ins (echo, uname) so that trying a template never changes a server.

export const TEMPLATES = [
  {
    id: 'interactive-update-demo',
    name: 'Interactive system update (safe demo)',
    description: 'The shape of an apt update/upgrade/reboot run with two approvals, using harmless echo commands. Replace them with the real ones when you mean it.',
    definition: {
      steps: [
        { name: 'Update package list', type: 'execute', targets: ['all'], command: "echo 'would run: apt update'; uname -a" },
        { name: 'User approval', type: 'prompt', message: 'Packages updated. Proceed with upgrade?', options: ['Yes', 'No'] },
        { name: 'Upgrade packages', type: 'execute', targets: ['all'], command: "echo 'would run: apt upgrade -y'", condition: "promptResponse === 'Yes'" },
        { name: 'Reboot confirmation', type: 'prompt', message: 'Upgrade complete. Reboot servers?', options: ['Yes', 'No'] },
        { name: 'Reboot servers', type: 'execute', targets: ['all'], command: "echo 'would run: reboot'", condition: "promptResponse === 'Yes'" },
      ],
    },
  },
  {
    id: 'fleet-report',
    name: 'Fleet report',
    description: 'Asks every online worker who and where it is.',
    definition: {
      steps: [
        { name: 'Kernel and host', type: 'execute', targets: ['all'], command: 'uname -a; hostname' },
        { name: 'Uptime and load', type: 'execute', targets: ['all'], command: 'uptime', timeout: 30000 },
        { name: 'Disk usage', type: 'execute', targets: ['all'], command: 'df -h /' },
      ],
    },
  },
  {
    id: 'approval-then-wait',
    name: 'Approval, pause, then act',
    description: 'A prompt decides whether the last step runs; a wait step pauses in between.',
    definition: {
      steps: [
        { name: 'Ask', type: 'prompt', message: 'Run the maintenance step?', options: ['Yes', 'No', 'Cancel'] },
        { name: 'Pause five seconds', type: 'wait', duration: 5000 },
        { name: 'Maintenance', type: 'execute', targets: ['all'], command: "echo 'maintenance done on' $(hostname)", condition: "promptResponse === 'Yes'" },
      ],
    },
  },
  {
    id: 'parallel-with-rollback',
    name: 'Two tiers at once, with a rollback',
    description: 'Two branches run side by side and join; if the check after them fails, its own onFailure step runs before the run ends failed.',
    definition: {
      steps: [
        {
          name: 'Prepare both tiers', type: 'parallel', branches: [
            { name: 'web', steps: [{ name: 'Web tier', type: 'execute', targets: ['all'], command: "echo 'would deploy the web tier'" }] },
            { name: 'db', steps: [{ name: 'Database tier', type: 'execute', targets: ['all'], command: "echo 'would migrate the database'" }] },
          ],
        },
        {
          name: 'Check', type: 'execute', targets: ['all'], command: "echo 'would run the smoke test'",
          onFailure: [{ name: 'Roll back', type: 'execute', targets: ['all'], command: "echo 'would roll back'" }],
        },
      ],
    },
  },
];

export function template(id) {
  return TEMPLATES.find((t) => t.id === id) || null;
}
