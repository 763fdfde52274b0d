// A text field that tells the server its value when typing pauses, on blur, on Enter and right
// after a paste, not on every keystroke (webapp/pages/quiet_input.py says why).
export default {
  // Attributes are bound once, below, so that `type` there outranks the server's.
  inheritAttrs: false,
  template: `
    <q-input
      ref="qRef"
      v-bind="$attrs"
      :type="inputType"
      v-model="inputValue"
      @blur="flush"
      @keydown.enter="flush"
      @paste="flushSoon"
    >
      <template v-if="reveal" v-slot:append>
        <q-btn
          flat
          dense
          no-caps
          color="primary"
          type="button"
          :label="revealed ? reveal.hide_short : reveal.show_short"
          :aria-label="revealed ? reveal.hide : reveal.show"
          :aria-pressed="revealed ? 'true' : 'false'"
          @click="revealed = !revealed"
        />
      </template>
      <template v-for="(_, slot) in $slots" v-slot:[slot]="slotProps">
        <slot :name="slot" v-bind="slotProps || {}" />
      </template>
    </q-input>
  `,
  props: {
    _autocomplete: Array,
    value: String,
    id: String,
    pause: Number, // QuietInput always sets it (PAUSE_MS)
    complete: { type: Number, default: 0 },
    reveal: Object, // a password field's show/hide button texts (QuietInput `reveal`)
  },
  data() {
    return {
      inputValue: this.value,
      sent: this.value,
      emitting: true,
      timer: null,
      revealed: false,
    };
  },
  computed: {
    inputType() {
      // Shown or not is the browser's business alone: the server's `type` stays "password".
      if (!this.reveal) return this.$attrs.type;
      return this.revealed ? "text" : "password";
    },
  },
  mounted() {
    // A submit click carries this field's value (webapp/pages/common.py SUBMIT_JS): then
    // nothing typed is pending, and a later blur must not report it again (it would undo
    // what the server did with the submission, such as emptying the password field).
    this.form = this.$el.closest ? this.$el.closest("form") : null;
    if (this.form) this.form.addEventListener("values-submitted", this.markSent);
  },
  beforeUnmount() {
    if (this.form) this.form.removeEventListener("values-submitted", this.markSent);
    clearTimeout(this.timer);
    const element = mounted_app.elements[this.$props.id.slice(1)];
    if (element) element.props.value = this.inputValue;
  },
  watch: {
    value(newValue) {
      // The server set the value: whatever was typed before is no longer to be sent.
      clearTimeout(this.timer);
      this.timer = null;
      this.sent = newValue;
      this.emitting = false;
      this.inputValue = newValue;
      this.$nextTick(() => (this.emitting = true));
    },
    inputValue() {
      if (!this.emitting) return;
      clearTimeout(this.timer);
      // A field that shows an error reports the first key at once: the server withdraws the
      // message then, before the user reaches the button (no layout shift under the click).
      if (this.$attrs.error || this.looksComplete()) this.flush();
      else this.timer = setTimeout(this.flush, this.pause);
    },
  },
  methods: {
    flush() {
      clearTimeout(this.timer);
      this.timer = null;
      if (this.inputValue === this.sent) return;
      this.sent = this.inputValue;
      this.$emit("update:value", this.inputValue);
    },
    looksComplete() {
      // A code with as many characters as a whole one (folded as the server folds it) is
      // reported at once, so a form that submits itself does so without the pause.
      if (!this.complete || typeof this.inputValue !== "string") return false;
      return this.inputValue.normalize("NFKC").replace(/[\s-]/g, "").length >= this.complete;
    },
    markSent() {
      clearTimeout(this.timer);
      this.timer = null;
      this.sent = this.inputValue;
    },
    flushSoon() {
      setTimeout(this.flush, 0); // the pasted text is in the field after this event
    },
    updateValue() {
      this.inputValue = this.value;
    },
  },
};
