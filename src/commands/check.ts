import {KtCommand} from '../cli/base-command.js'
import {runCheck} from '../cli/check/run.js'
import {jsonFlag} from '../cli/flags.js'

export default class Check extends KtCommand {
  static override description =
    'Beyond Kafka: verifies the store in one read snapshot (safe while other kt processes run): SQLite integrity, every record batch (structure, CRC-32C, records), offsets per partition (no overlaps; each batch within [log start, log end); gaps between batches, which compaction leaves, are accepted), watermarks against the batches, and committed offsets (at most the log end offset). Each problem is one line naming its topic, partition and offsets; exit status 1 when there is any.'

  static override examples = ['<%= config.bin %> check', '<%= config.bin %> check --json']

  static override flags = {json: jsonFlag}

  static override summary = 'Verify the kt store: integrity, CRCs, offsets, watermarks and committed offsets.'

  protected override errorPrefix = 'kt check: '

  async run(): Promise<void> {
    const {flags} = await this.parse(Check)
    const dataDir = flags['data-dir']
    await this.exitWith(await runCheck(() => this.broker(dataDir, {create: false}), dataDir, flags.json))
  }
}
