import { FormControl, FormGroup, NonNullableFormBuilder } from '@angular/forms';

import { principalRefForm } from '../shared/principal-fields';
import { PushDraft } from './compose-draft';
import { DataForm, dataForm, setRows } from './data-form';
import { SEND_FLAG_NAMES, SendFlags } from './push-message';
import { TargetKind } from './push-target';
import { SendOptionsForm } from './send-options';
import { TargetForm } from './target-fields';

/** All controls of the Compose page. */
export type ComposeForm = FormGroup<{
  target: TargetForm;
  data: DataForm;
  mqtt: FormGroup<{ enabled: FormControl<boolean>; data: DataForm }>;
  options: SendOptionsForm;
}>;

/** The form for a draft. */
export function composeForm(fb: NonNullableFormBuilder, draft: PushDraft): ComposeForm {
  const who = principalRefForm(fb, draft.target.by);
  who.controls.value.setValue(draft.target.owner);
  const flags = fb.group(
    Object.fromEntries(SEND_FLAG_NAMES.map((name) => [name, fb.control(draft.flags[name])])) as {
      [K in keyof SendFlags]: FormControl<boolean>;
    },
  );
  return fb.group({
    target: fb.group({
      kind: fb.control<TargetKind>(draft.target.kind),
      who,
      topic: fb.control(draft.target.topic),
    }),
    data: dataForm(fb, draft.data),
    mqtt: fb.group({
      enabled: fb.control(draft.mqttData.enabled),
      data: dataForm(fb, draft.mqttData),
    }),
    options: fb.group({
      development: fb.control(draft.development),
      production: fb.control(draft.production),
      flags,
    }),
  });
}

/** The draft a form holds. */
export function draftOf(form: ComposeForm): PushDraft {
  const value = form.getRawValue();
  return {
    target: {
      kind: value.target.kind,
      by: value.target.who.by,
      owner: value.target.who.value,
      topic: value.target.topic,
    },
    data: value.data,
    mqttData: { ...value.mqtt.data, enabled: value.mqtt.enabled },
    development: value.options.development,
    production: value.options.production,
    flags: value.options.flags,
  };
}

/** Puts a draft into an existing form (Start over), rows included. */
export function applyDraft(fb: NonNullableFormBuilder, form: ComposeForm, draft: PushDraft): void {
  setRows(fb, form.controls.data, draft.data.rows);
  setRows(fb, form.controls.mqtt.controls.data, draft.mqttData.rows);
  form.setValue({
    target: {
      kind: draft.target.kind,
      who: { by: draft.target.by, value: draft.target.owner },
      topic: draft.target.topic,
    },
    data: draft.data,
    mqtt: {
      enabled: draft.mqttData.enabled,
      data: { mode: draft.mqttData.mode, rows: draft.mqttData.rows, json: draft.mqttData.json },
    },
    options: { development: draft.development, production: draft.production, flags: draft.flags },
  } as ReturnType<ComposeForm['getRawValue']>);
  form.markAsUntouched();
}
