"""Default letter templates in formal Indonesian (editable afterwards on /kepatuhan/templat/).

The texts are placeholders written from docs/domain.md §4 (teguran 1 and 2, SKK to the Kejaksaan,
TMP2T at BPJS's request, PP 86/2013); a branch replaces them with its own wording.
"""

from django.db import migrations

_FINDINGS = """<p>Berdasarkan hasil pemeriksaan data kepesertaan BPJS Ketenagakerjaan yang kami lakukan, terdapat hal-hal sebagai berikut:</p>
<ol>{% for f in findings %}<li><strong>{{ f.title }}</strong>: {{ f.text }}</li>{% endfor %}</ol>
"""

_BASIS = (
    "Sesuai Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial dan "
    "Peraturan Pemerintah Nomor 86 Tahun 2013, setiap pemberi kerja wajib mendaftarkan dirinya "
    "dan seluruh pekerjanya sebagai peserta, melaporkan upah yang sebenarnya, serta membayar "
    "iuran tepat waktu."
)

TEMPLATES = {
    "reminder": (
        "Imbauan Pemenuhan Kewajiban Kepesertaan BPJS Ketenagakerjaan",
        "<p>Dengan hormat,</p>\n<p>" + _BASIS + "</p>\n" + _FINDINGS
        + "<p>Sehubungan dengan hal tersebut, kami mengimbau Saudara untuk memenuhi kewajiban "
        "tersebut dalam waktu {{ case.deadline_days }} hari sejak tanggal surat ini, paling "
        "lambat tanggal {{ case.due_date }}. Apabila kewajiban telah dipenuhi, mohon abaikan "
        "surat ini dan sampaikan bukti pemenuhannya kepada kami.</p>\n"
        "<p>Atas perhatian dan kerja sama Saudara, kami sampaikan terima kasih.</p>",
    ),
    "warning_1": (
        "Teguran Tertulis Pertama",
        "<p>Dengan hormat,</p>\n<p>Menindaklanjuti surat imbauan kami"
        "{% for l in previous_letters %}{% if forloop.first %} nomor {{ l.number }} tanggal "
        "{{ l.date }}{% endif %}{% endfor %}, sampai dengan saat ini Saudara belum memenuhi "
        "kewajiban sebagai pemberi kerja.</p>\n" + _FINDINGS
        + "<p>" + _BASIS + " Oleh karena itu, dengan surat ini kami memberikan "
        "<strong>teguran tertulis pertama</strong> dan meminta Saudara memenuhi kewajiban "
        "tersebut paling lambat tanggal {{ case.due_date }}.</p>\n"
        "<p>Apabila sampai batas waktu tersebut kewajiban belum dipenuhi, kami akan "
        "menyampaikan teguran tertulis kedua sesuai ketentuan peraturan perundang-undangan.</p>",
    ),
    "warning_2": (
        "Teguran Tertulis Kedua",
        "<p>Dengan hormat,</p>\n<p>Menindaklanjuti surat-surat kami sebelumnya"
        "{% if previous_letters %} ({% for l in previous_letters %}nomor {{ l.number }} tanggal "
        "{{ l.date }}{% if not forloop.last %}; {% endif %}{% endfor %}){% endif %}, "
        "Saudara belum memenuhi kewajiban sebagai pemberi kerja.</p>\n" + _FINDINGS
        + "<p>Dengan surat ini kami memberikan <strong>teguran tertulis kedua</strong>. "
        "Saudara wajib memenuhi kewajiban tersebut paling lambat tanggal {{ case.due_date }}."
        "{% if arrears %} Tunggakan iuran sebesar {{ arrears.unpaid }} beserta denda "
        "{{ arrears.fine }} wajib dilunasi.{% endif %}</p>\n"
        "<p>Apabila kewajiban tidak dipenuhi, kami akan menyerahkan penanganannya kepada "
        "Kejaksaan selaku Jaksa Pengacara Negara dan/atau mengajukan permintaan pengenaan "
        "sanksi tidak mendapat pelayanan publik tertentu (TMP2T) kepada Pemerintah Daerah.</p>",
    ),
    "attorney": (
        "Surat Kuasa Khusus Penanganan Kepatuhan Pemberi Kerja",
        "<p>Yang bertanda tangan di bawah ini, {{ sender.signatory }} {{ sender.office }} "
        "{{ sender.city }}, dengan ini memberikan kuasa khusus kepada Kepala Kejaksaan Negeri "
        "{{ subject.regency }} selaku Jaksa Pengacara Negara untuk dan atas nama BPJS "
        "Ketenagakerjaan melakukan upaya penyelesaian kewajiban pemberi kerja berikut:</p>\n"
        "<p>Nama pemberi kerja: <strong>{{ subject.name }}</strong>{% if subject.npp %}, NPP "
        "{{ subject.npp }}{% endif %}{% if subject.nib %}, NIB {{ subject.nib }}{% endif %}.</p>\n"
        + _FINDINGS
        + "<p>Pemberi kerja telah menerima imbauan serta teguran tertulis pertama dan kedua"
        "{% if previous_letters %} ({% for l in previous_letters %}{{ l.number }}"
        "{% if not forloop.last %}; {% endif %}{% endfor %}){% endif %} namun tidak memenuhi "
        "kewajibannya.{% if arrears %} Jumlah tunggakan iuran {{ arrears.unpaid }} dan denda "
        "{{ arrears.fine }}.{% endif %}</p>\n"
        "<p>Surat kuasa khusus ini diberikan untuk dipergunakan sebagaimana mestinya.</p>",
    ),
    "tmp2t": (
        "Permohonan Pengenaan Sanksi Tidak Mendapat Pelayanan Publik Tertentu (TMP2T)",
        "<p>Dengan hormat,</p>\n<p>Sesuai Peraturan Pemerintah Nomor 86 Tahun 2013, sanksi "
        "tidak mendapat pelayanan publik tertentu dikenakan oleh Pemerintah atau Pemerintah "
        "Daerah atas permintaan BPJS. Bersama ini kami mengajukan permohonan pengenaan sanksi "
        "TMP2T terhadap pemberi kerja <strong>{{ subject.name }}</strong>"
        "{% if subject.nib %} (NIB {{ subject.nib }}){% endif %} di {{ subject.regency }}, "
        "yang tidak memenuhi kewajiban berikut:</p>\n" + _FINDINGS
        + "<p>Pemberi kerja telah menerima imbauan serta teguran tertulis pertama dan kedua"
        "{% if previous_letters %} ({% for l in previous_letters %}{{ l.number }}"
        "{% if not forloop.last %}; {% endif %}{% endfor %}){% endif %}. Kami mohon "
        "pelayanan perizinan berusaha, izin mengikuti tender proyek dan persetujuan bangunan "
        "gedung bagi pemberi kerja tersebut ditangguhkan sampai kewajibannya dipenuhi.</p>\n"
        "<p>Atas perhatian dan kerja sama Bapak/Ibu, kami sampaikan terima kasih.</p>",
    ),
}


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("compliance", "LetterTemplate")
    for kind, (title, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


def unseed(apps, schema_editor):
    apps.get_model("compliance", "LetterTemplate").objects.filter(kind__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
