import {KtCommand} from '../cli/base-command.js'
import {parseDeleteRecordsOptions} from '../cli/delete-records/options.js'
import {deleteRecordsJson, renderDeleteRecordsText, runDeleteRecords} from '../cli/delete-records/service.js'
import {checkRemoteFlags, jsonFlag, remoteFlags} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'

export default class DeleteRecords extends KtCommand {
  static override description =
    'Mirrors kafka-delete-records: moves the log start offset of partitions up to the given offsets (-1: the log end). Records below it are no longer served; offsets are never reused. Exits 1 if any partition failed.'

  static override examples = [
    '<%= config.bin %> delete-records --offset-json-file offsets.json',
    '<%= config.bin %> delete-records --topic orders --partition 0 --before-offset 5',
  ]

  static override flags = {
    'before-offset': Flags.string({
      helpValue: '<offset>',
      summary: 'kt: delete the records before this offset (-1: all).',
    }),
    json: jsonFlag,
    'offset-json-file': Flags.string({
      helpValue: '<file>',
      summary:
        'The JSON file with offset per partition: {"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}',
    }),
    partition: Flags.string({
      helpValue: '<partition>',
      summary: 'kt: the partition, with --topic and --before-offset.',
    }),
    topic: Flags.string({helpValue: '<topic>', summary: 'kt: the topic, with --partition and --before-offset.'}),
    ...remoteFlags,
  }

  static override summary = 'Delete the records of partitions below an offset.'

  async run(): Promise<void> {
    const {flags} = await this.parse(DeleteRecords)
    checkRemoteFlags(flags)
    const options = parseDeleteRecordsOptions(flags)
    const broker = await this.broker(flags['data-dir'])
    const results = await runDeleteRecords(broker, options)
    process.stdout.write(
      options.json ? JSON.stringify(deleteRecordsJson(results), null, 2) + '\n' : renderDeleteRecordsText(results),
    )
    if (results.some((r) => 'error' in r)) this.exit(1)
  }
}
