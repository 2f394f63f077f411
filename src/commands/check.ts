import {KtCommand} from '../cli/base-command.js'
import {checkJson, problemLine, problemsLine, summaryLine} from '../cli/check/render.js'
import {EXIT} from '../cli/errors.js'
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
    const broker = await this.broker(flags['data-dir'], {create: false})
    const report = await broker.checkStore()
    if (flags.json) process.stdout.write(JSON.stringify(checkJson(report), null, 2) + '\n')
    else if (report.problems.length === 0) process.stdout.write(summaryLine(report) + '\n')
    else process.stdout.write(report.problems.map((p) => problemLine(p) + '\n').join(''))
    if (report.problems.length > 0) {
      if (!flags.json) process.stderr.write(problemsLine(report) + '\n')
      await this.closeBroker()
      this.exit(EXIT.error)
    }
  }
}
